import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { ApiClient } from './client.js';

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/bpmn/${name}`, import.meta.url), 'utf8');
}

/** Two user tasks in a row for the acceptance clerks, under the process id `key`. */
export function twoStepProcess(key: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">
  <process id="${key}" isExecutable="true">
    <startEvent id="s" />
    <sequenceFlow id="f1" sourceRef="s" targetRef="first" />
    <userTask id="first" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task" />
    <sequenceFlow id="f2" sourceRef="first" targetRef="second" />
    <userTask id="second" camunda:candidateGroups="acceptance_clerk" camunda:formKey="generic.task" />
    <sequenceFlow id="f3" sourceRef="second" targetRef="e" />
    <endEvent id="e" />
  </process>
</definitions>`;
}

export async function deploy(client: ApiClient, xml: string) {
  const res = await client.post('/api/v1/deployments', { xml });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body.definition as { id: string; key: string; version: number };
}

export async function start(client: ApiClient, definitionKey: string, body: Record<string, unknown> = {}) {
  const res = await client.post('/api/v1/process-instances', { definitionKey, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as {
    id: string;
    status: string;
    tasks: { id: string; elementId: string }[];
  };
}

export async function instance(client: ApiClient, id: string) {
  const res = await client.get(`/api/v1/process-instances/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

export async function openTasks(client: ApiClient, instanceId: string) {
  const res = await client.get(`/api/v1/tasks?instanceId=${instanceId}&limit=200`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items as {
    id: string;
    instanceId: string;
    elementId: string;
    name: string;
    assignee: string | null;
    locals: Record<string, unknown> | null;
    [k: string]: unknown;
  }[];
}

/** Claims and completes a task as `client`. */
export async function completeTask(client: ApiClient, taskId: string, variables: Record<string, unknown> = {}) {
  const claim = await client.post(`/api/v1/tasks/${taskId}/claim`);
  expect(claim.status, JSON.stringify(claim.body)).toBe(200);
  const done = await client.post(`/api/v1/tasks/${taskId}/complete`, { variables });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return done.body as { instanceStatus: string };
}

export async function completeAt(
  client: ApiClient,
  instanceId: string,
  elementId: string,
  variables: Record<string, unknown> = {},
) {
  const task = (await openTasks(client, instanceId)).find((t) => t.elementId === elementId);
  expect(task, `an open task at ${elementId}`).toBeTruthy();
  return completeTask(client, task!.id, variables);
}
