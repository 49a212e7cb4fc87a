import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../support/database.js';
import { eventually, startTestPlatform, type TestPlatform } from '../../support/platform.js';
import type { ApiClient } from '../../support/client.js';
import { camundaClient, modelerDeployment } from '../../support/engine-rest.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/engine-rest/${name}`, import.meta.url), 'utf8');
const KEY = 'engineRestPaymentDispatch';
const PAYMENT = 'EngineRestPaymentBooked';
const CAMUNDA_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;

describe.each(BACKENDS)('engine-rest: messages, signals, history, incidents, jobs (%s)', (backend) => {
  let t: TestPlatform;
  let xhClerk: ApiClient;
  let yhClerk: ApiClient;
  let xhLeader: ApiClient;
  let yhLeader: ApiClient;
  let ledgerFailures = 0;

  beforeAll(async () => {
    t = await startTestPlatform(backend, {
      services: [
        {
          name: 'engineRestLedger',
          description: 'books a payment; fails while the ledger is down',
          handler: () => {
            if (ledgerFailures > 0) throw new Error('ledger unavailable');
            return { booked: true };
          },
        },
      ],
    });
    const designer = camundaClient(t.url, 'designer');
    const res = await designer.post(
      '/deployment/create',
      modelerDeployment('payment and dispatch', [
        { name: 'payment-dispatch.bpmn', content: fixture('payment-dispatch.camunda7.bpmn') },
        { name: 'order-by-message.bpmn', content: fixture('order-by-message.camunda7.bpmn') },
      ]),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    xhClerk = camundaClient(t.url, 'xh.clerk');
    yhClerk = camundaClient(t.url, 'yh.clerk');
    xhLeader = camundaClient(t.url, 'xh.leader');
    yhLeader = camundaClient(t.url, 'yh.leader');
  });
  afterAll(() => t?.close());

  /** Starts an instance as a Xihu clerk and works its first task, so that it waits for the payment. */
  async function waitingForPayment(businessKey: string, orderNo: string): Promise<string> {
    const started = await xhClerk.post(`/process-definition/key/${KEY}/start`, {
      businessKey,
      variables: { orderNo: { value: orderNo, type: 'String' }, amount: { value: 99.5, type: 'Double' } },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const id = started.body.id as string;
    const [task] = (await xhClerk.get(`/task?processInstanceId=${id}`)).body;
    expect((await xhClerk.post(`/task/${task.id}/claim`, { userId: 'xh.clerk' })).status).toBe(204);
    expect((await xhClerk.post(`/task/${task.id}/complete`, {})).status).toBe(204);
    return id;
  }

  describe('POST /message', () => {
    it('delivers a message to the one waiting execution and answers 204', async () => {
      const id = await waitingForPayment('ER-MSG-1', 'O-1');
      const res = await xhClerk.post('/message', {
        messageName: PAYMENT,
        businessKey: 'ER-MSG-1',
        processVariables: { paidBy: { value: 'bank', type: 'String' } },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(204);
      const paidBy = await xhClerk.get(`/process-instance/${id}/variables/paidBy`);
      expect(paidBy.body).toEqual({ value: 'bank', type: 'String', valueInfo: {} });
    });

    it('answers the Execution result, with the variables when asked, correlating by correlation keys', async () => {
      const id = await waitingForPayment('ER-MSG-2', 'O-2');
      const res = await xhClerk.post('/message', {
        messageName: PAYMENT,
        correlationKeys: { orderNo: { value: 'O-2', type: 'String' } },
        resultEnabled: true,
        variablesInResultEnabled: true,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual([
        {
          resultType: 'Execution',
          execution: { id: expect.any(String), processInstanceId: id, ended: false, tenantId: null },
          processInstance: null,
          variables: expect.objectContaining({ orderNo: { value: 'O-2', type: 'String', valueInfo: {} } }),
        },
      ]);
    });

    it('starts a process by its message start event and answers the ProcessDefinition result', async () => {
      const res = await xhClerk.post('/message', {
        messageName: 'EngineRestOrderPlaced',
        businessKey: 'ER-ORDER-1',
        processVariables: { orderNo: { value: 'O-9', type: 'String' } },
        resultEnabled: true,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toEqual([
        {
          resultType: 'ProcessDefinition',
          execution: null,
          processInstance: expect.objectContaining({
            definitionKey: 'engineRestOrderByMessage',
            businessKey: 'ER-ORDER-1',
            ended: false,
          }),
        },
      ]);
      const instance = res.body[0].processInstance.id;
      expect((await xhClerk.get(`/task?processInstanceId=${instance}`)).body).toHaveLength(1);
    });

    it('refuses a message that matches nothing, or more than one execution without `all`', async () => {
      const none = await xhClerk.post('/message', { messageName: PAYMENT, businessKey: 'ER-NOBODY' });
      expect(none.status).toBe(400);
      expect(none.body).toMatchObject({
        type: 'RestException',
        message: `org.camunda.bpm.engine.MismatchingMessageCorrelationException: Cannot correlate message '${PAYMENT}': No process definition or execution matches the parameters`,
      });
      const a = await waitingForPayment('ER-MSG-ALL', 'O-3');
      const b = await waitingForPayment('ER-MSG-ALL', 'O-4');
      const two = await xhClerk.post('/message', { messageName: PAYMENT, businessKey: 'ER-MSG-ALL' });
      expect(two.status).toBe(400);
      expect(two.body.message).toContain('MismatchingMessageCorrelationException');
      expect(two.body.message).toContain('to a single execution. 2 executions match');

      const all = await xhClerk.post('/message', {
        messageName: PAYMENT,
        businessKey: 'ER-MSG-ALL',
        all: true,
        resultEnabled: true,
      });
      expect(all.status, JSON.stringify(all.body)).toBe(200);
      expect(
        all.body.map((r: { execution: { processInstanceId: string } }) => r.execution.processInstanceId).sort(),
      ).toEqual([a, b].sort());
      const again = await xhClerk.post('/message', { messageName: PAYMENT, businessKey: 'ER-MSG-ALL', all: true });
      expect(again.status).toBe(204);
    });

    it('does not see instances out of the caller’s scope: a Yuhang clerk reaches no Xihu instance', async () => {
      const id = await waitingForPayment('ER-MSG-SCOPE', 'O-5');
      const res = await yhClerk.post('/message', { messageName: PAYMENT, processInstanceId: id });
      expect(res.status).toBe(400);
      expect(res.body.type).toBe('RestException');
      const all = await yhClerk.post('/message', { messageName: PAYMENT, processInstanceId: id, all: true });
      expect(all.status).toBe(204);
      expect((await xhClerk.get(`/process-instance/${id}/variables`)).status).toBe(200);
      const still = await xhClerk.post('/message', { messageName: PAYMENT, processInstanceId: id });
      expect(still.status).toBe(204);
    });

    it('answers bad requests as Camunda does', async () => {
      const noName = await xhClerk.post('/message', { businessKey: 'x' });
      expect(noName.status).toBe(400);
      expect(noName.body).toMatchObject({ type: 'InvalidRequestException', message: 'No message name supplied' });
      const onlyVariables = await xhClerk.post('/message', { messageName: PAYMENT, variablesInResultEnabled: true });
      expect(onlyVariables.status).toBe(400);
      const badValue = await xhClerk.post('/message', {
        messageName: PAYMENT,
        processVariables: { n: { value: 'many', type: 'Integer' } },
      });
      expect(badValue.status).toBe(400);
      expect(badValue.body.type).toBe('InvalidRequestException');
      expect((await camundaClient(t.url, 'xh.surveyor').post('/message', { messageName: PAYMENT })).status).toBe(403);
    });
  });

  describe('POST /signal', () => {
    it('answers 204 to a signal nobody waits for, and Camunda’s errors otherwise', async () => {
      expect((await xhClerk.post('/signal', { name: 'EngineRestAlarm', variables: {} })).status).toBe(204);
      const noName = await xhClerk.post('/signal', {});
      expect(noName.status).toBe(400);
      expect(noName.body).toMatchObject({ type: 'InvalidRequestException', message: 'No signal name given' });
      const started = await xhClerk.post(`/process-definition/key/${KEY}/start`, { businessKey: 'ER-SIG' });
      const [task] = (await xhClerk.get(`/task?processInstanceId=${started.body.id}`)).body;
      const aimed = await xhClerk.post('/signal', { name: 'EngineRestAlarm', executionId: task.executionId });
      expect(aimed.status).toBe(500);
      expect(aimed.body).toMatchObject({
        type: 'RestException',
        message: `Execution '${task.executionId}' has not subscribed to a signal event with name 'EngineRestAlarm'.`,
      });
      const unknown = await xhClerk.post('/signal', { name: 'EngineRestAlarm', executionId: 'nothing' });
      expect(unknown.status).toBe(500);
      expect(unknown.body.type).toBe('NullValueException');
    });
  });

  describe('incidents and jobs', () => {
    it('lists a failed job as an incident and a job with no retries, in the caller’s scope only', async () => {
      ledgerFailures = 1;
      const id = await waitingForPayment('ER-INCIDENT', 'O-7');
      expect((await xhClerk.post('/message', { messageName: PAYMENT, processInstanceId: id })).status).toBe(204);
      const incident = await eventually(
        async () => (await xhLeader.get(`/incident?processInstanceId=${id}`)).body[0],
        10_000,
        'an incident',
      );
      expect(incident).toMatchObject({
        processInstanceId: id,
        incidentType: 'failedJob',
        activityId: 'BookPayment',
        failedActivityId: 'BookPayment',
        incidentMessage: expect.stringContaining('ledger unavailable'),
        causeIncidentId: incident.id,
        rootCauseIncidentId: incident.id,
        tenantId: null,
      });
      expect(incident.incidentTimestamp).toMatch(CAMUNDA_DATE);
      expect((await xhLeader.get(`/incident/count?processInstanceId=${id}&incidentType=failedJob`)).body).toEqual({
        count: 1,
      });
      expect((await yhLeader.get(`/incident/count?processInstanceId=${id}`)).body).toEqual({ count: 0 });
      expect((await yhClerk.get('/incident')).status).toBe(403);

      const [job] = (await xhLeader.get(`/job?processInstanceId=${id}&noRetriesLeft=true`)).body;
      expect(job).toMatchObject({
        id: incident.configuration,
        processInstanceId: id,
        processDefinitionKey: KEY,
        retries: 0,
        exceptionMessage: expect.stringContaining('ledger unavailable'),
        failedActivityId: 'BookPayment',
        suspended: false,
        tenantId: null,
      });
      expect(job.dueDate).toMatch(CAMUNDA_DATE);
      expect((await xhLeader.get(`/job/count?processInstanceId=${id}&withException=true`)).body).toEqual({ count: 1 });
      expect((await yhLeader.get(`/job?processInstanceId=${id}`)).body).toEqual([]);

      // Retries back: the incident is resolved and the job runs; the instance moves on to its timer.
      expect((await yhLeader.put(`/job/${job.id}/retries`, { retries: 1 })).status).toBe(404);
      ledgerFailures = 0;
      const retried = await xhLeader.put(`/job/${job.id}/retries`, { retries: 2 });
      expect(retried.status, JSON.stringify(retried.body)).toBe(204);
      expect((await xhLeader.get(`/incident?processInstanceId=${id}`)).body).toEqual([]);
      const timer = await eventually(
        async () => (await xhLeader.get(`/job?processInstanceId=${id}&timers=true`)).body[0],
        10_000,
        'the timer job',
      );
      expect(timer).toMatchObject({ retries: expect.any(Number), exceptionMessage: null, failedActivityId: null });
      const later = new Date(Date.now() + 30 * 60_000).toISOString().replace('Z', '+0000');
      expect(
        (await xhLeader.get(`/job?processInstanceId=${id}&dueDates=gt_${encodeURIComponent(later)}`)).body,
      ).toHaveLength(1);
      const badComparator = await xhLeader.get(`/job?dueDates=eq_${encodeURIComponent(later)}`);
      expect(badComparator.status).toBe(400);
      expect(badComparator.body.type).toBe('InvalidRequestException');
    });

    it('answers PUT /job/{id}/retries for an unknown job and negative retries as Camunda does', async () => {
      const missing = await xhLeader.put('/job/00000000-0000-4000-8000-000000000000/retries', { retries: 1 });
      expect(missing.status).toBe(404);
      expect(missing.body.type).toBe('InvalidRequestException');
      const negative = await xhLeader.put('/job/00000000-0000-4000-8000-000000000000/retries', { retries: -1 });
      expect(negative.status).toBe(500);
      expect((await xhClerk.put('/job/00000000-0000-4000-8000-000000000000/retries', { retries: 1 })).status).toBe(403);
      const badSort = await xhLeader.get('/job?sortBy=jobDueDate');
      expect(badSort.status).toBe(400);
    });
  });

  describe('history', () => {
    let finished: string;
    let cancelled: string;

    beforeAll(async () => {
      finished = await waitingForPayment('ER-HIST', 'O-8');
      expect((await xhClerk.post('/message', { messageName: PAYMENT, processInstanceId: finished })).status).toBe(204);
      const admin = await t.as('admin');
      const timer = await eventually(
        async () =>
          (await admin.get(`/api/v1/jobs?instanceId=${finished}`)).body.items.find(
            (j: { type: string }) => j.type === 'timer',
          ),
        10_000,
        'the timer',
      );
      expect((await admin.post(`/api/v1/jobs/${timer.id}/execute`)).status).toBe(204);
      await eventually(
        async () => (await xhClerk.get(`/history/process-instance/${finished}`)).body.state === 'COMPLETED',
        10_000,
        'the instance to complete',
      );
      const started = await xhClerk.post(`/process-definition/key/${KEY}/start`, { businessKey: 'ER-HIST-CANCEL' });
      cancelled = started.body.id;
      expect((await xhLeader.delete(`/process-instance/${cancelled}`)).status).toBe(204);
    });

    it('answers historic process instances, ended ones included', async () => {
      const one = await xhClerk.get(`/history/process-instance/${finished}`);
      expect(one.body).toMatchObject({
        id: finished,
        rootProcessInstanceId: finished,
        superProcessInstanceId: null,
        processDefinitionKey: KEY,
        processDefinitionName: 'Payment and dispatch (engine-rest)',
        processDefinitionVersion: 1,
        businessKey: 'ER-HIST',
        startUserId: 'xh.clerk',
        startActivityId: 'OrderReceived',
        state: 'COMPLETED',
        deleteReason: null,
        tenantId: null,
      });
      expect(one.body.endTime).toMatch(CAMUNDA_DATE);
      expect(one.body.durationInMillis).toBeGreaterThanOrEqual(0);
      const gone = await xhClerk.get(`/history/process-instance/${cancelled}`);
      expect(gone.body).toMatchObject({ state: 'EXTERNALLY_TERMINATED', deleteReason: expect.any(String) });
      const list = await xhClerk.get(
        `/history/process-instance?processDefinitionKey=${KEY}&finished=true&sortBy=startTime&sortOrder=asc`,
      );
      expect(list.body.map((i: { id: string }) => i.id)).toEqual([finished, cancelled]);
      expect((await xhClerk.get(`/history/process-instance/count?processInstanceBusinessKey=ER-HIST`)).body).toEqual({
        count: 1,
      });
      expect(
        (await xhClerk.get(`/history/process-instance/count?externallyTerminated=true&processDefinitionKey=${KEY}`))
          .body,
      ).toEqual({
        count: 1,
      });
      expect(
        (
          await xhClerk.get(
            `/history/process-instance?executedActivityIdIn=WaitForDispatch&processInstanceBusinessKey=ER-HIST`,
          )
        ).body,
      ).toHaveLength(1);
    });

    it('answers the activities an instance went through, with their tasks', async () => {
      const res = await xhClerk.get(
        `/history/activity-instance?processInstanceId=${finished}&sortBy=startTime&sortOrder=asc`,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.map((a: { activityId: string }) => a.activityId)).toEqual([
        'OrderReceived',
        'CheckOrder',
        'PaymentReceived',
        'BookPayment',
        'WaitForDispatch',
        'OrderDispatched',
      ]);
      const task = res.body.find((a: { activityId: string }) => a.activityId === 'CheckOrder');
      expect(task).toMatchObject({
        activityName: 'Check the order',
        activityType: 'userTask',
        assignee: 'xh.clerk',
        taskId: expect.any(String),
        canceled: false,
        processDefinitionKey: KEY,
      });
      expect(res.body.at(-1)).toMatchObject({ activityType: 'noneEndEvent', completeScope: true });
      expect(
        (await xhClerk.get(`/history/activity-instance/count?processInstanceId=${finished}&activityType=serviceTask`))
          .body,
      ).toEqual({ count: 1 });
      expect(
        (await xhClerk.get(`/history/activity-instance/count?processInstanceId=${cancelled}&canceled=true`)).body,
      ).toEqual({
        count: 1,
      });
    });

    it('answers historic tasks with Camunda’s delete reasons', async () => {
      const done = (await xhClerk.get(`/history/task?processInstanceId=${finished}`)).body;
      expect(done).toEqual([
        expect.objectContaining({
          name: 'Check the order',
          taskDefinitionKey: 'CheckOrder',
          assignee: 'xh.clerk',
          deleteReason: 'completed',
          taskState: 'Completed',
          processInstanceId: finished,
        }),
      ]);
      expect(done[0].endTime).toMatch(CAMUNDA_DATE);
      const dropped = (await xhClerk.get(`/history/task?processInstanceId=${cancelled}&finished=true`)).body;
      expect(dropped).toEqual([expect.objectContaining({ deleteReason: 'deleted', taskState: 'Deleted' })]);
      expect(
        (
          await xhClerk.get(
            `/history/task/count?processDefinitionKey=${KEY}&taskAssignee=xh.clerk&processFinished=true`,
          )
        ).body.count,
      ).toBeGreaterThanOrEqual(1);
    });

    it('answers the instances’ variables with their types', async () => {
      const vars = (
        await xhClerk.get(`/history/variable-instance?processInstanceId=${finished}&sortBy=variableName&sortOrder=asc`)
      ).body;
      expect(vars.map((v: { name: string }) => v.name)).toEqual(['amount', 'booked', 'orderNo']);
      expect(vars[0]).toMatchObject({ value: 99.5, type: 'Double', processInstanceId: finished, state: 'CREATED' });
      expect(
        (
          await xhClerk.get(
            `/history/variable-instance/count?processInstanceIdIn=${finished},${cancelled}&variableName=orderNo`,
          )
        ).body,
      ).toEqual({ count: 1 });
      expect(
        (await xhClerk.get(`/history/variable-instance?variableName=orderNo&variableValue=O-8`)).body.map(
          (v: { processInstanceId: string }) => v.processInstanceId,
        ),
      ).toEqual([finished]);
    });

    it('shows a Yuhang clerk none of the Xihu history', async () => {
      expect((await yhClerk.get(`/history/process-instance/${finished}`)).status).toBe(404);
      expect((await yhClerk.get(`/history/process-instance/${finished}`)).body.type).toBe('InvalidRequestException');
      expect((await yhClerk.get(`/history/process-instance/count?processDefinitionKey=${KEY}`)).body).toEqual({
        count: 0,
      });
      expect((await yhClerk.get(`/history/activity-instance?processInstanceId=${finished}`)).body).toEqual([]);
      expect((await yhClerk.get(`/history/task?processInstanceId=${finished}`)).body).toEqual([]);
      expect((await yhClerk.get(`/history/variable-instance/count?processInstanceId=${finished}`)).body).toEqual({
        count: 0,
      });
    });

    it('refuses unknown sort keys and filters it cannot answer', async () => {
      const sort = await xhClerk.get('/history/task?sortBy=nonsense&sortOrder=asc');
      expect(sort.status).toBe(400);
      expect(sort.body.type).toBe('InvalidRequestException');
      const variables = await xhClerk.get('/history/process-instance?variables=amount_eq_5');
      expect(variables.status).toBe(400);
      expect((await xhClerk.get('/history/process-instance?startedAfter=yesterday')).status).toBe(400);
    });
  });
});
