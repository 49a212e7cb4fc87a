import { describe, expect, it } from 'vitest';
import { DEFAULT_DMN_LIMITS, evaluateDecision, mapDecisionResult, parseDmn } from '../../../server/dmn/index.js';
import { fixture, oneColumnTable, parseFixture, refusal } from './support.js';

const wrap = (body: string, ns = 'https://www.omg.org/spec/DMN/20191111/MODEL/') =>
  `<?xml version="1.0" encoding="UTF-8"?><definitions xmlns="${ns}" id="x" name="x" namespace="n">${body}</definitions>`;

describe('parseDmn', () => {
  it('reads DMN 1.1 as Camunda Modeler wrote it, taking ${amount} as the name amount', () => {
    const definitions = parseFixture('camunda.dmn11.dmn');
    const approve = (amount: number, category: string) =>
      evaluateDecision(definitions, 'approval', { amount, customer: { category } });
    expect(mapDecisionResult(approve(500, 'VIP'), 'singleResult')).toEqual({ approver: null, automatic: true });
    expect(mapDecisionResult(approve(5000, 'VIP'), 'singleResult')).toEqual({
      approver: 'account manager',
      automatic: false,
    });
    expect(approve(5000, 'B').result).toEqual({ approver: 'team leader', automatic: false });
  });

  it.each([
    'http://www.omg.org/spec/DMN/20180521/MODEL/',
    'https://www.omg.org/spec/DMN/20211108/MODEL/',
    'https://www.omg.org/spec/DMN/20230324/MODEL/',
  ])('reads the namespace %s alike', (ns) => {
    const definitions = parseDmn(
      wrap('<decision id="d" name="d"><literalExpression><text>1 + 1</text></literalExpression></decision>', ns),
    );
    expect(evaluateDecision(definitions, 'd').result).toBe(2);
  });

  it('refuses a document that is not DMN', () => {
    const error = refusal(() => parseDmn('<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>'));
    expect(error.code).toBe('DMN_INVALID');
    expect(error.details[0]!.reason).toContain('not a DMN 1.1–1.5 document');
  });

  it('refuses a DOCTYPE (and so entities) before reading anything', () => {
    const error = refusal(() => parseFixture('refused.doctype.dmn'));
    expect(error.details[0]).toMatchObject({
      element: 'definitions',
      reason: 'DOCTYPE declarations (and entities) are not allowed in DMN files',
      line: 2,
    });
  });

  it('refuses malformed XML with its position', () => {
    const error = refusal(() => parseDmn(wrap('<decision id="d">')));
    expect(error.details[0]!.reason).toMatch(/^malformed XML/);
  });

  it('refuses a script input expression: scripts are not run', () => {
    const error = refusal(() => parseFixture('refused.script-input.dmn'));
    expect(error.code).toBe('DMN_INVALID');
    expect(error.details).toEqual([
      {
        element: 'amountInput',
        reason: "decision 'discount', input 'Amount': expression language 'javascript': scripts are not run; use FEEL",
        line: 7,
        column: expect.any(Number),
      },
    ]);
  });

  it.each(['groovy', 'python', 'juel'])('refuses an output entry in %s', (language) => {
    const xml = oneColumnTable({ rules: [['-', '"a"']] }).replace(
      '<outputEntry>',
      `<outputEntry expressionLanguage="${language}">`,
    );
    expect(refusal(() => parseDmn(xml)).details[0]!.reason).toContain(`expression language '${language}'`);
  });

  it('refuses JUEL beyond a plain ${name}', () => {
    const error = refusal(() => parseDmn(oneColumnTable({ expression: '${amount > 5}', rules: [['-', '1']] })));
    expect(error.details[0]!.reason).toContain('JUEL expressions are not run; use FEEL');
  });

  it('refuses malformed FEEL naming the decision, the rule and the column', () => {
    const error = refusal(() => parseFixture('refused.malformed-feel.dmn'));
    expect(error.details).toEqual([
      {
        element: 'fair',
        reason: `decision 'grade', rule 2 (fair), input 'Score': FEEL syntax error at character 6 of "[50.." (near "[50..")`,
        line: 9,
        column: expect.any(Number),
      },
    ]);
    expect(error.message).toContain("decision 'grade', rule 2 (fair)");
  });

  it('refuses a malformed output entry and input expression', () => {
    const bad = parseDmnDetails(oneColumnTable({ expression: 'a +', rules: [['-', '"x" +']] }));
    expect(bad.map((d) => d.element)).toEqual(['in', 'r1']);
  });

  it('collects every problem of a document in one refusal', () => {
    const xml = wrap(`
      <decision id="a" name="a"><decisionTable hitPolicy="SOMETIMES"><input><inputExpression><text>x</text></inputExpression></input>
        <output name="o"/><rule id="r"><inputEntry><text>1</text></inputEntry></rule></decisionTable></decision>
      <decision id="b" name="b"><context/></decision>`);
    const details = parseDmnDetails(xml);
    expect(details.map((d) => d.reason)).toEqual([
      "decision 'a': unknown hit policy 'SOMETIMES'",
      "decision 'a', rule 1 (r): 1 input and 0 output entries for 1 inputs and 1 outputs",
      "decision 'b': a context is not supported; only decision tables and literal expressions are evaluated",
    ]);
  });

  it('says DMN_UNSUPPORTED when only unsupported features stand in the way', () => {
    const error = refusal(() => parseDmn(wrap('<decision id="b" name="b"><context/></decision>')));
    expect(error.code).toBe('DMN_UNSUPPORTED');
  });

  it.each([
    ['COLLECT', 'aggregation="AVERAGE"', "unknown aggregation 'AVERAGE'"],
    ['FIRST', 'aggregation="SUM"', 'aggregation SUM needs hit policy COLLECT'],
    ['PRIORITY', '', "hit policy PRIORITY orders by the outputs' output values"],
  ])('refuses hit policy %s with %s', (hitPolicy, attribute, reason) => {
    const xml = oneColumnTable({ hitPolicy, rules: [['-', '1']] }).replace(
      '<decisionTable ',
      `<decisionTable ${attribute} `,
    );
    expect(parseDmnDetails(xml)[0]!.reason).toContain(reason);
  });

  it('refuses a table with several outputs that are not all named', () => {
    const xml =
      wrap(`<decision id="a" name="a"><decisionTable><input><inputExpression><text>x</text></inputExpression></input>
      <output id="o1" name="one"/><output id="o2"/></decisionTable></decision>`);
    expect(parseDmnDetails(xml)).toEqual([
      expect.objectContaining({ element: 'o2', reason: expect.stringContaining('names each one') }),
    ]);
  });

  it.each([
    ['maxRules', { maxRules: 2 }, "decision 'd' has 3 rules, at most 2"],
    ['maxInputs', { maxInputs: 0 }, "decision 'd' has 1 inputs, at most 0"],
    ['maxXmlBytes', { maxXmlBytes: 100 }, 'bytes, at most 100'],
    ['maxExpressionLength', { maxExpressionLength: 2 }, 'the expression has 3 characters, at most 2'],
  ])('applies the %s limit', (_name, limits, reason) => {
    const xml = oneColumnTable({
      rules: [
        ['-', '111'],
        ['-', '2'],
        ['-', '3'],
      ],
    });
    const error = refusal(() => parseDmn(xml, { ...DEFAULT_DMN_LIMITS, ...limits }));
    expect(error.details[0]!.reason).toContain(reason);
  });

  it('a default output entry applies when no rule matches', () => {
    const xml = oneColumnTable({ rules: [['> 10', '"big"']] }).replace(
      '<output id="out" name="out" />',
      '<output id="out" name="out"><defaultOutputEntry><text>"small"</text></defaultOutputEntry></output>',
    );
    const definitions = parseDmn(xml);
    expect(evaluateDecision(definitions, 'd', { x: 50 }).result).toBe('big');
    const fallback = evaluateDecision(definitions, 'd', { x: 5 });
    expect(fallback.result).toBe('small');
    expect(fallback.matchedRules).toEqual([]);
    expect(fallback.outputs).toEqual([{ out: 'small' }]);
  });

  it('the fixture files are what the tests say', () => {
    expect(fixture('refused.doctype.dmn')).toContain('<!DOCTYPE');
  });
});

function parseDmnDetails(xml: string) {
  return refusal(() => parseDmn(xml)).details;
}
