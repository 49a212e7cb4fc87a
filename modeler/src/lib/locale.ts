/** The languages the app speaks (a module of its own: server-side tests import what uses it). */
export type Locale = 'zh' | 'en';
