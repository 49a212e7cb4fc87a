import type { ServiceDefinition } from '../../services/registry.js';
import type { ProcessContext } from '../ports.js';
import { capacityChangeServices } from './capacity.js';
import { closureServices } from './closure.js';
import { transferServices } from './transfer.js';

/** The change-of-service processes' services (DOMAIN.md §9): capacity changes, transfer, closure. */
export function changeServices(ctx: ProcessContext): ServiceDefinition[] {
  return [...capacityChangeServices(ctx), ...transferServices(ctx), ...closureServices(ctx)];
}
