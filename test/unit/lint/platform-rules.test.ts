import { describe, expect, it } from 'vitest';
import { formatLintMessage, LINT_MESSAGES } from '../../../server/lint/messages.js';
import { lintXml } from '../../../server/lint/runner.js';
import type { PlatformLintData } from '../../../server/lint/rules/support.js';

const data: PlatformLintData = {
  services: ['noop', 'smsGateway'],
  roles: ['acceptance_clerk', 'team_leader'],
  users: ['xh.clerk', 'xh.leader'],
  forms: ['apply.form'],
};

/** A one-process document: start → body → end, so that only the body decides the findings. */
function process(body: string, tail = '<sequenceFlow id="toEnd" sourceRef="x" targetRef="end"/>'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="start" name="Start"/>
    <sequenceFlow id="toX" sourceRef="start" targetRef="x"/>
    ${body}
    ${tail}
    <endEvent id="end" name="End"/>
  </process>
</definitions>`;
}

const task = (attrs: string) => process(`<userTask id="x" name="Check" ${attrs}/>`);

async function errors(xml: string, config: PlatformLintData = data) {
  return (await lintXml(xml, config))
    .filter((i) => i.severity === 'error')
    .map(({ elementId, rule, message }) => ({ elementId, rule, message }));
}

describe('the platform lint rules', () => {
  it('passes a user task with candidates and a known form', async () => {
    // given a user task with a candidate group and a deployed form
    // then nothing blocks
    expect(await errors(task('camunda:candidateGroups="acceptance_clerk" camunda:formKey="apply.form"'))).toEqual([]);
  });

  async function warnings(xml: string, config: PlatformLintData = data) {
    return (await lintXml(xml, config))
      .filter((i) => i.severity === 'warn' && i.rule.startsWith('platform/'))
      .map(({ elementId, rule, message }) => ({ elementId, rule, message }));
  }

  it.each([
    [
      'no candidates',
      'camunda:formKey="apply.form"',
      'platform/user-task-candidates',
      'User task "Check" names no candidate groups, candidate users or assignee: its tasks go to team leaders as unassigned',
    ],
    [
      'an unknown role',
      'camunda:candidateGroups="acceptance_clerk, astronaut" camunda:formKey="apply.form"',
      'platform/user-task-candidates',
      'User task "Check": candidate group "astronaut" is neither a role of the platform nor mapped to one; its tasks go to team leaders as unassigned',
    ],
    [
      'an unknown assignee',
      'camunda:assignee="nobody" camunda:formKey="apply.form"',
      'platform/user-task-candidates',
      'User task "Check": "nobody" is neither a user of the platform nor mapped to one; its tasks go to team leaders as unassigned',
    ],
    [
      'no form',
      'camunda:candidateUsers="xh.clerk"',
      'platform/user-task-form',
      'User task "Check" has no form (formKey): it opens with the generic variables form',
    ],
    [
      'an unknown form',
      'camunda:candidateGroups="team_leader" camunda:formKey="missing.form"',
      'platform/user-task-form',
      'User task "Check": form "missing.form" is neither deployed nor part of this deployment; the task opens with the generic variables form',
    ],
    [
      "Camunda 7's embedded form",
      'camunda:candidateGroups="team_leader" camunda:formKey="embedded:app:forms/approve-loan.html"',
      'platform/user-task-form',
      'User task "Check": form "embedded:app:forms/approve-loan.html" is not a form of the platform (an embedded or external form); the task opens with the generic variables form',
    ],
    [
      'a form at a URL',
      'camunda:candidateGroups="team_leader" camunda:formKey="https://forms.example.com/check"',
      'platform/user-task-form',
      'User task "Check": form "https://forms.example.com/check" is not a form of the platform (an embedded or external form); the task opens with the generic variables form',
    ],
  ])('warns about, but does not refuse, a user task with %s', async (_, attrs, rule, message) => {
    expect(await errors(task(attrs))).toEqual([]);
    expect(await warnings(task(attrs))).toEqual([{ elementId: 'x', rule, message }]);
  });

  it('leaves expressions to run time', async () => {
    expect(await errors(task('camunda:assignee="${initiator}" camunda:formKey="${formOfKind}"'))).toEqual([]);
  });

  it('refuses an expression the runtime cannot evaluate, as the deploy does', async () => {
    // given a form key computed by a function call (the safe expression language has none)
    expect(await errors(task('camunda:assignee="${initiator}" camunda:formKey="${formOf(kind)}"'))).toEqual([
      {
        elementId: 'x',
        rule: 'platform/expressions-valid',
        message:
          '"Check": formKey: invalid expression "${formOf(kind)}": function calls are not allowed in expressions at position 7',
      },
    ]);
  });

  it('checks only that a form is named when the platform keeps no form catalogue', async () => {
    const xml = task('camunda:candidateGroups="team_leader" camunda:formKey="anything.form"');
    expect(await errors(xml, { ...data, forms: null })).toEqual([]);
  });

  it.each([
    ['a registered service', 'camunda:delegateExpression="${smsGateway}"', []],
    [
      'an unknown service',
      'camunda:delegateExpression="${rocketLauncher}"',
      [
        {
          elementId: 'x',
          rule: 'platform/service-exists',
          message: 'Service task "Send": service "rocketLauncher" is not in the platform\'s service registry',
        },
      ],
    ],
    [
      'no service',
      '',
      [
        {
          elementId: 'x',
          rule: 'platform/service-exists',
          message:
            'Service task "Send" must name a registered service: a delegate expression ${…}, an external topic or implementation ${environment.services.…}',
        },
      ],
    ],
    ['a service the bpmn-engine way', 'implementation="${environment.services.smsGateway}"', []],
    ['an external topic', 'camunda:type="external" camunda:topic="noop"', []],
    ['an external topic no service has', 'camunda:type="external" camunda:topic="ami-meter-reading"', []],
    [
      'an external task without a topic',
      'camunda:type="external"',
      [
        {
          elementId: 'x',
          rule: 'platform/service-exists',
          message:
            'Service task "Send" is an external task (camunda:type="external") without a topic: name the topic its workers fetch',
        },
      ],
    ],
    [
      'Java code',
      'camunda:class="com.acme.Send"',
      [
        {
          elementId: 'x',
          rule: 'platform/service-exists',
          message:
            'Service task "Send": camunda:class "com.acme.Send" names Java code, which cannot run here; name a registered service',
        },
      ],
    ],
  ])('checks a service task naming %s', async (_, attrs, expected) => {
    expect(await errors(process(`<serviceTask id="x" name="Send" ${attrs}/>`))).toEqual(expected);
  });

  describe('deadlines', () => {
    const ok = 'camunda:candidateGroups="acceptance_clerk" camunda:formKey="apply.form"';
    /** A process carrying camunda:properties, with one valid user task `x`. */
    const withProperties = (props: Record<string, string>) =>
      task(ok).replace(
        '<process id="p" isExecutable="true">',
        `<process id="p" name="Apply" isExecutable="true"><extensionElements><camunda:properties>${Object.entries(props)
          .map(([name, value]) => `<camunda:property name="${name}" value="${value}"/>`)
          .join('')}</camunda:properties></extensionElements>`,
      );

    it('passes the forms the runtime reads, and expressions', async () => {
      for (const due of ['wd:3', 'sla:A05', 'sla:total', 'P3D', '2026-12-31T17:00:00', '${resultDueAt}']) {
        expect(await errors(task(`${ok} camunda:dueDate="${due}" camunda:followUpDate="P1D"`)), due).toEqual([]);
      }
      expect(await errors(withProperties({ dueDate: 'sla:total', dueDatePausedBy: 'x' }))).toEqual([]);
    });

    it.each([
      ['a malformed working-day count', 'camunda:dueDate="wd:lots"', 'dueDate', 'wd:lots'],
      ['an unknown SLA step', 'camunda:dueDate="sla:A99"', 'dueDate', 'sla:A99'],
      ['an unreadable follow-up date', 'camunda:followUpDate="next week"', 'followUpDate', 'next week'],
    ])('refuses a user task with %s, as the deploy does', async (_, attrs, field, value) => {
      expect(await errors(task(`${ok} ${attrs}`))).toEqual([
        {
          elementId: 'x',
          rule: 'platform/deadline-valid',
          message: `"Check": ${field} "${value}" is not a deadline (an ISO date or duration, wd:<N>, sla:<step> or an expression)`,
        },
      ]);
    });

    it('refuses a process deadline it cannot read, or paused by steps the process lacks', async () => {
      expect(await errors(withProperties({ dueDate: 'wd:x' }))).toEqual([
        {
          elementId: 'p',
          rule: 'platform/deadline-valid',
          message:
            '"Apply": dueDate "wd:x" is not a deadline (an ISO date or duration, wd:<N>, sla:<step> or an expression)',
        },
      ]);
      expect(
        (await errors(withProperties({ dueDate: 'P10D', dueDatePausedBy: 'x, ghost' }))).map((e) => e.message),
      ).toEqual(['Process "Apply": dueDatePausedBy names "ghost", which is not an element of the process']);
      expect((await errors(withProperties({ dueDatePausedBy: 'x' }))).map((e) => e.message)).toEqual([
        'Process "Apply": dueDatePausedBy needs a dueDate property',
      ]);
    });
  });

  it('refuses a script task', async () => {
    const xml = process('<scriptTask id="x" name="Compute" scriptFormat="javascript"><script>1</script></scriptTask>');
    expect(await errors(xml)).toContainEqual({
      elementId: 'x',
      rule: 'platform/no-script-task',
      message: 'Script task "Compute" is not allowed: scripts cannot run on this platform; use a service task',
    });
  });

  describe('an exclusive gateway', () => {
    const gateway = (attrs: string, second: string) =>
      process(
        `<exclusiveGateway id="x" name="Approved?" ${attrs}/>
         <sequenceFlow id="yes" sourceRef="x" targetRef="end"><conditionExpression xsi:type="tFormalExpression">\${approved}</conditionExpression></sequenceFlow>
         <sequenceFlow id="no" sourceRef="x" targetRef="end">${second}</sequenceFlow>`,
        '',
      );
    const incomplete = {
      elementId: 'x',
      rule: 'platform/exclusive-gateway-routing',
      message: 'Exclusive gateway "Approved?" needs a default flow or a condition on every outgoing flow',
    };

    it('passes with a default flow', async () => {
      expect(await errors(gateway('default="no"', ''))).not.toContainEqual(incomplete);
    });

    it('passes when every outgoing flow has a condition', async () => {
      const condition = '<conditionExpression xsi:type="tFormalExpression">${!approved}</conditionExpression>';
      expect(await errors(gateway('', condition))).not.toContainEqual(incomplete);
    });

    it('refuses an unconditioned flow without a default', async () => {
      expect(await errors(gateway('', ''))).toContainEqual(incomplete);
    });
  });

  it("runs bpmnlint's recommended rules, with cosmetic ones as warnings only", async () => {
    // given a disconnected task and no diagram interchange
    const xml = process(
      '<userTask id="x" name="Check" camunda:candidateGroups="team_leader" camunda:formKey="apply.form"/><task id="lonely"/>',
    );
    const issues = await lintXml(xml, data);
    // then the disconnected task is an error, the missing diagram and label only warnings
    expect(issues).toContainEqual(
      expect.objectContaining({ elementId: 'lonely', rule: 'no-disconnected', severity: 'error' }),
    );
    expect(issues).toContainEqual(expect.objectContaining({ rule: 'no-bpmndi', severity: 'warn' }));
    expect(issues).toContainEqual(
      expect.objectContaining({ elementId: 'lonely', rule: 'label-required', severity: 'warn' }),
    );
  });

  it('reads flows of files that leave out incoming/outgoing', async () => {
    // the fixtures above list no <incoming>/<outgoing>: nothing is reported as disconnected
    const issues = await lintXml(task('camunda:candidateGroups="team_leader" camunda:formKey="apply.form"'), data);
    expect(issues.filter((i) => i.rule === 'no-disconnected')).toEqual([]);
  });

  it('has every message in English and Chinese with the same placeholders', () => {
    for (const [code, text] of Object.entries(LINT_MESSAGES)) {
      const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(placeholders(text.zh), code).toEqual(placeholders(text.en));
    }
    expect(formatLintMessage('user-task.no-form', { name: '受理' }, 'zh')).toBe(
      '用户任务“受理”未关联表单（formKey）：办理时使用通用变量表单',
    );
  });
});
