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
