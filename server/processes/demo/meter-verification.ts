import type { DemoContributor } from './index.js';

export const meterVerificationDemo: DemoContributor = {
  name: 'meter-verification',
  definitionKey: 'meterVerification',
  async seed() {},
};
