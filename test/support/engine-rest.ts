import { ApiClient } from './client.js';

/** A Camunda REST client's view of the platform: Basic credentials on every call, no cookies. */
export function camundaClient(baseUrl: string, username: string, password = 'demo1234'): ApiClient {
  const client = new ApiClient(`${baseUrl}/engine-rest`);
  const basic = Buffer.from(`${username}:${password}`).toString('base64');
  const request = client.request.bind(client);
  client.request = (method, path, body, headers = {}) =>
    request(method, path, body, { authorization: `Basic ${basic}`, ...headers });
  return client;
}

/**
 * A deployment/create body as Camunda Modeler's deploy button builds it: the deployment's name
 * and source, changed-only deployment, and each file as a part named after the file.
 */
export function modelerDeployment(name: string, files: { name: string; content: string; type?: string }[]): FormData {
  const form = new FormData();
  form.append('deployment-name', name);
  form.append('deployment-source', 'Camunda Modeler');
  form.append('deploy-changed-only', 'true');
  form.append('tenant-id', '');
  for (const file of files) {
    form.append(file.name, new Blob([file.content], { type: file.type ?? 'application/octet-stream' }), file.name);
  }
  return form;
}
