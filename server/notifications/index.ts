export * from './gateway.js';
export * from './templates.js';
export * from './notifications.service.js';
export * from './notify-customer.service.js';
export * from './notification.contract.js';
