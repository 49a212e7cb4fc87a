import { expect } from 'vitest';
import type { ApiClient } from '../../support/client.js';
import { fixture } from '../../support/workflow.js';

/** Deploys a fixture with a minimal form-js form for each form key it names (deploys need their forms). */
export async function deployWithForms(client: ApiClient, name: string): Promise<void> {
  const xml = fixture(name);
  const keys = new Set([...xml.matchAll(/camunda:formKey="([^"]+)"/g)].map((m) => m[1]));
  const forms = [...keys].map((id) => ({
    id,
    type: 'default',
    components: [{ type: 'textfield', key: 'opinion', label: 'Opinion' }],
  }));
  const res = await client.post('/api/v1/deployments', { xml, forms });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
}
