import { readFileSync } from 'node:fs';
import { BasicAuthInterceptor, Client, type ClientOptions } from 'camunda-external-task-client-js';

/** A BPMN file of test/fixtures/camunda7 (Camunda Modeler 7's dialect). */
export function camunda7Fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/camunda7/${name}`, import.meta.url), 'utf8');
}

/**
 * The official Camunda 7 external task client, unmodified, against a platform: HTTP Basic as the
 * demo external task worker, long polling, no automatic start (tests subscribe, then start).
 */
export function externalTaskClient(
  url: string,
  workerId: string,
  options: Partial<ClientOptions> & { username?: string } = {},
): Client {
  const { username = 'worker', ...rest } = options;
  return new Client({
    baseUrl: `${url}/engine-rest`,
    workerId,
    interceptors: new BasicAuthInterceptor({ username, password: 'demo1234' }),
    asyncResponseTimeout: 2000,
    interval: 50,
    maxTasks: 1,
    autoPoll: false,
    ...rest,
  });
}
