import type { DemoContributor } from './index.js';

export const newConnectionDemo: DemoContributor = {
  name: 'new-connection',
  definitionKey: 'newConnection',
  async seed() {},
};
