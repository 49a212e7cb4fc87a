import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileDefinition } from '../../../server/engine/definitions.js';
import { AppError } from '../../../server/lib/errors.js';
import { refuseOnErrors } from '../../../server/lint/deploy-lint.js';
import type { PlatformLintData } from '../../../server/lint/rules/support.js';
import { lintXml } from '../../../server/lint/runner.js';

/**
 * The deploy's two validators, side by side: the lint (as DeployLint.check runs it) and the
 * engine's compile. Every file the engine refuses, the lint refuses with an error naming the same
 * problem in the same words; every file the lint accepts, the engine compiles.
 */

const data: PlatformLintData = {
  services: ['noop', 'smsGateway'],
  roles: ['acceptance_clerk'],
  users: ['xh.clerk'],
  forms: ['apply.form'],
};
const catalog = { has: (name: string) => data.services.includes(name) };

interface Verdict {
  refused: boolean;
  code?: string;
  message?: string;
  /** element id → the reasons given about it */
  problems: { element: string | undefined; reason: string }[];
}

async function verdict(run: () => Promise<unknown>): Promise<Verdict> {
  try {
    await run();
    return { refused: false, problems: [] };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return {
      refused: true,
      code: err.code,
      message: err.message,
      problems: err.details.map((d) => ({ element: d.element, reason: d.reason })),
    };
  }
}

const lintVerdict = (xml: string, lintData = data) => verdict(async () => refuseOnErrors(await lintXml(xml, lintData)));
const engineVerdict = (xml: string, services = catalog) => verdict(() => compileDefinition(xml, services));

/** The lint and the engine agree on one document; answers the lint's verdict. */
async function expectAgreement(xml: string, lintData = data, services = catalog): Promise<Verdict> {
  const [lint, engine] = await Promise.all([lintVerdict(xml, lintData), engineVerdict(xml, services)]);
  if (engine.refused) {
    expect(lint.refused, `the engine refuses (${engine.message}) but the lint passes`).toBe(true);
    if (lint.code === 'LINT_FAILED') {
      // the same problem, on the same element, in the same words
      for (const problem of engine.problems) expect(lint.problems).toContainEqual(problem);
    } else {
      // a document neither can read: the same refusal
      expect([lint.code, lint.message]).toEqual([engine.code, engine.message]);
    }
  }
  if (!lint.refused) expect(engine.refused, `the lint passes but the engine refuses: ${engine.message}`).toBe(false);
  return lint;
}

const TASK = 'camunda:candidateGroups="acceptance_clerk" camunda:formKey="apply.form"';

/** start → x → end, with `body` drawing x (and whatever else it needs). */
function doc(body: string, { roots = '', process = 'id="p" isExecutable="true"', flows = true } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="t">
  ${roots}
  <process ${process}>
    <startEvent id="start" name="Start"/>
    ${flows ? '<sequenceFlow id="toX" sourceRef="start" targetRef="x"/><sequenceFlow id="toEnd" sourceRef="x" targetRef="end"/>' : ''}
    ${body}
    <endEvent id="end" name="End"/>
  </process>
</definitions>`;
}

const withDeadline = (props: string) =>
  doc(`<userTask id="x" name="Check" ${TASK}/>`, {}).replace(
    '<process id="p" isExecutable="true">',
    `<process id="p" name="Apply" isExecutable="true"><extensionElements><camunda:properties>${props}</camunda:properties></extensionElements>`,
  );
const timer = (definition: string) =>
  doc(
    `<intermediateCatchEvent id="x" name="Wait"><timerEventDefinition>${definition}</timerEventDefinition></intermediateCatchEvent>`,
  );
const gateway = (condition: string, attrs = '') =>
  doc(
    `<exclusiveGateway id="x" name="Approved?" default="otherwise"/>
     <sequenceFlow id="yes" sourceRef="x" targetRef="end"><conditionExpression xsi:type="tFormalExpression" ${attrs}>${condition}</conditionExpression></sequenceFlow>
     <sequenceFlow id="otherwise" sourceRef="x" targetRef="end"/>
     <sequenceFlow id="toX" sourceRef="start" targetRef="x"/>`,
    { flows: false },
  );
const MESSAGE = '<message id="paid" name="payment-received"/>';

const DEPLOYS: [string, string][] = [
  ['a user task with candidates and a form', doc(`<userTask id="x" name="Check" ${TASK}/>`)],
  [
    'a user task with expressions and a priority',
    doc(
      `<userTask id="x" name="Check" camunda:assignee="\${initiator}" camunda:formKey="apply.form" camunda:priority="5" camunda:dueDate="wd:3"/>`,
    ),
  ],
  ['a delegate expression', doc('<serviceTask id="x" name="Send" camunda:delegateExpression="${smsGateway}"/>')],
  [
    "bpmn-engine's implementation",
    doc('<serviceTask id="x" name="Send" implementation="${environment.services.smsGateway}"/>'),
  ],
  ['an external topic', doc('<serviceTask id="x" name="Send" camunda:type="external" camunda:topic="noop"/>')],
  [
    'an external task of a topic no service has',
    doc('<serviceTask id="x" name="Send" camunda:type="external" camunda:topic="launch"/>'),
  ],
  ['a send task', doc('<sendTask id="x" name="Notify" camunda:delegateExpression="${noop}"/>')],
  [
    'a receive task with a message',
    doc('<receiveTask id="x" name="Wait for payment" messageRef="paid"/>', { roots: MESSAGE }),
  ],
  ['a timer in ISO 8601', timer('<timeDuration xsi:type="tFormalExpression">PT1H</timeDuration>')],
  ['a timer in working days', timer('<timeDuration xsi:type="tFormalExpression">wd:3</timeDuration>')],
  ['a gateway with a condition', gateway('${approved}')],
  [
    'a multi-instance user task',
    doc(
      `<userTask id="x" name="Check" ${TASK}><multiInstanceLoopCharacteristics camunda:collection="\${reviewers}" camunda:elementVariable="reviewer"/></userTask>`,
    ),
  ],
  ['a call activity', doc('<callActivity id="x" name="Child" calledElement="child"/>')],
  [
    'a standard loop bounded by its condition',
    doc(
      `<userTask id="x" name="Check" ${TASK}><standardLoopCharacteristics><loopCondition xsi:type="tFormalExpression">\${approved}</loopCondition></standardLoopCharacteristics></userTask>`,
    ),
  ],
  [
    'a standard loop bounded by its maximum',
    doc('<task id="x" name="Check"><standardLoopCharacteristics loopMaximum="3"/></task>'),
  ],
  [
    'an expression listener',
    doc(
      `<userTask id="x" name="Check" ${TASK}><extensionElements><camunda:taskListener expression="\${approved}" event="create"/><camunda:executionListener expression="\${amount > 0}" event="start"/></extensionElements></userTask>`,
    ),
  ],
  [
    'a process deadline paused by a step',
    withDeadline(
      '<camunda:property name="dueDate" value="sla:total"/><camunda:property name="dueDatePausedBy" value="x"/>',
    ),
  ],
  [
    'an input parameter template',
    doc(
      '<serviceTask id="x" name="Send" camunda:delegateExpression="${smsGateway}"><extensionElements><camunda:inputOutput><camunda:inputParameter name="text">Dear ${customerName}</camunda:inputParameter></camunda:inputOutput></extensionElements></serviceTask>',
    ),
  ],
];

const REFUSED: [string, string][] = [
  ['a script task', doc('<scriptTask id="x" name="Compute" scriptFormat="javascript"><script>1</script></scriptTask>')],
  ['a Java class service', doc('<serviceTask id="x" name="Send" camunda:class="com.acme.Send"/>')],
  [
    'a camunda:expression service call',
    doc('<serviceTask id="x" name="Send" camunda:expression="${environment.services.smsGateway()}"/>'),
  ],
  ['an unknown service', doc('<serviceTask id="x" name="Send" camunda:delegateExpression="${rocketLauncher}"/>')],
  ['an external task without a topic', doc('<serviceTask id="x" name="Send" camunda:type="external"/>')],
  ['a service task naming nothing', doc('<serviceTask id="x" name="Send"/>')],
  [
    'a delegate expression that calls',
    doc('<serviceTask id="x" name="Send" camunda:delegateExpression="${sms.send(execution)}"/>'),
  ],
  [
    'a malformed implementation',
    doc('<serviceTask id="x" name="Send" implementation="${environment.services.sms()}"/>'),
  ],
  ['a complex gateway', doc('<complexGateway id="x" name="Complex"/>')],
  ['a business rule task', doc('<businessRuleTask id="x" name="Decide"/>')],
  [
    'a conditional event',
    doc(
      '<intermediateCatchEvent id="x" name="When"><conditionalEventDefinition><condition xsi:type="tFormalExpression">${ready}</condition></conditionalEventDefinition></intermediateCatchEvent>',
    ),
  ],
  [
    'a message event without a message',
    doc('<intermediateCatchEvent id="x" name="Paid"><messageEventDefinition/></intermediateCatchEvent>'),
  ],
  ['a receive task without a message', doc('<receiveTask id="x" name="Wait"/>')],
  ['a timer without a definition', timer('')],
  ['an empty timer', timer('<timeDuration xsi:type="tFormalExpression"> </timeDuration>')],
  ['a malformed working-day timer', timer('<timeDuration xsi:type="tFormalExpression">wd:lots</timeDuration>')],
  ['a timer expression with a call', timer('<timeDuration xsi:type="tFormalExpression">${due(x)}</timeDuration>')],
  [
    'a standard loop that never ends',
    doc(`<userTask id="x" name="Check" ${TASK}><standardLoopCharacteristics/></userTask>`),
  ],
  [
    'a standard loop above the multi-instance maximum',
    doc(`<task id="x" name="Check"><standardLoopCharacteristics loopMaximum="5000"/></task>`),
  ],
  [
    'a multi-instance without a collection',
    doc(`<userTask id="x" name="Check" ${TASK}><multiInstanceLoopCharacteristics/></userTask>`),
  ],
  [
    'an execution listener',
    doc(
      `<userTask id="x" name="Check" ${TASK}><extensionElements><camunda:executionListener class="com.acme.L" event="start"/></extensionElements></userTask>`,
    ),
  ],
  [
    'a task listener with a delegate expression',
    doc(
      `<userTask id="x" name="Check" ${TASK}><extensionElements><camunda:taskListener delegateExpression="\${notifier}" event="create"/></extensionElements></userTask>`,
    ),
  ],
  [
    'a script parameter',
    doc(
      `<userTask id="x" name="Check" ${TASK}><extensionElements><camunda:inputOutput><camunda:inputParameter name="total"><camunda:script scriptFormat="javascript">1+1</camunda:script></camunda:inputParameter></camunda:inputOutput></extensionElements></userTask>`,
    ),
  ],
  ['a script condition', gateway('next(null, true)', 'language="javascript"')],
  ['a condition that is not an expression', gateway('approved == true')],
  ['a condition with a function call', gateway('${require("fs")}')],
  ['an empty condition', gateway(' ')],
  [
    'a Camunda Java API expression',
    doc(
      `<userTask id="x" name="Check" camunda:assignee="\${execution.getVariable('a')}" camunda:formKey="apply.form"/>`,
    ),
  ],
  ['a priority that is no number', doc(`<userTask id="x" name="Check" ${TASK} camunda:priority="high"/>`)],
  ['an unreadable due date', doc(`<userTask id="x" name="Check" ${TASK} camunda:dueDate="next week"/>`)],
  ['a call activity calling nothing', doc('<callActivity id="x" name="Child"/>')],
  ['a malformed process deadline', withDeadline('<camunda:property name="dueDate" value="wd:x"/>')],
  [
    'a deadline paused by a missing step',
    withDeadline(
      '<camunda:property name="dueDate" value="P10D"/><camunda:property name="dueDatePausedBy" value="ghost"/>',
    ),
  ],
  ['a deadline pause without a deadline', withDeadline('<camunda:property name="dueDatePausedBy" value="x"/>')],
  [
    'an invalid message name',
    doc(`<userTask id="x" name="Check" ${TASK}/>`, { roots: '<message id="m" name="${bad(}"/>' }),
  ],
  [
    'a process that is not executable',
    doc(`<userTask id="x" name="Check" ${TASK}/>`, { process: 'id="p" isExecutable="false"' }),
  ],
  [
    'two executable processes',
    doc(`<userTask id="x" name="Check" ${TASK}/>`).replace(
      '</definitions>',
      '<process id="q" isExecutable="true"><startEvent id="s2"/><sequenceFlow id="f2" sourceRef="s2" targetRef="e2"/><endEvent id="e2"/></process></definitions>',
    ),
  ],
  ['a DOCTYPE', '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x "boom">]>\n<definitions>&x;</definitions>'],
  ['malformed XML', '<definitions><process></definitions>'],
  ['a document that is not BPMN', '<html><body/></html>'],
  [
    'an unknown BPMN element',
    doc('<userTask id="x" name="Check"/>').replace(
      '<endEvent id="end" name="End"/>',
      '<endEvent id="end" name="End"/><frobnicate id="f"/>',
    ),
  ],
];

describe('the deploy lint and the engine compile', () => {
  it.each(DEPLOYS)('both accept %s', async (_, xml) => {
    const lint = await expectAgreement(xml);
    expect(lint.problems).toEqual([]);
  });

  it.each(REFUSED)('both refuse %s, the lint first and in the same words', async (_, xml) => {
    const lint = await expectAgreement(xml);
    expect(lint.refused).toBe(true);
  });

  describe('on every shipped and test BPMN file', () => {
    const root = path.resolve(import.meta.dirname, '../../..');
    const files = [...bpmnFiles(path.join(root, 'processes')), ...bpmnFiles(path.join(root, 'test/fixtures'))];

    it('finds the files', () => {
      expect(files.length).toBeGreaterThan(20);
    });

    it.each(files.map((f) => [path.relative(root, f), f]))('agree on %s', async (_, file) => {
      const xml = readFileSync(file, 'utf8');
      const lint = await expectAgreement(xml, platformOf(xml), catalogOf(xml));
      if (!lint.refused) accepted.push(file);
    });

    const accepted: string[] = [];
    it('where most files deploy', () => {
      // so that "the lint accepts, the engine compiles" is tried on real files, not only refusals
      expect(accepted.length).toBeGreaterThan(files.length / 2);
    });
  });
});

/** A platform that has the services, roles and users a real file names (forms not checked). */
function platformOf(xml: string): PlatformLintData {
  const values = (attribute: string) =>
    [...xml.matchAll(new RegExp(`camunda:${attribute}="([^"]*)"`, 'g'))].flatMap((m) =>
      (m[1] ?? '').split(',').map((v) => v.trim()),
    );
  const services = [...values('delegateExpression'), ...values('topic')].map((v) => /^\$\{(\w+)\}$/.exec(v)?.[1] ?? v);
  return {
    services: [...data.services, ...services],
    roles: values('candidateGroups'),
    users: [...values('candidateUsers'), ...values('assignee')],
    forms: null,
  };
}

function catalogOf(xml: string) {
  const { services } = platformOf(xml);
  return { has: (name: string) => services.includes(name) };
}

function bpmnFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return bpmnFiles(file);
    return name.endsWith('.bpmn') ? [file] : [];
  });
}
