import { describe, expect, it } from 'vitest';
import { evaluateDecision, parseDmn } from '../../../server/dmn/index.js';
import { parseFixture, refusal } from './support.js';

// drg.dinner.dmn: dish ← season (table), guestCount (literal); beverages ← dish; menuLine ← dish, beverages.
const dinner = parseFixture('drg.dinner.dmn');

describe('decision requirement graphs', () => {
  it('parses the graph', () => {
    expect([...dinner.decisions.keys()]).toEqual(['season', 'guestCount', 'dish', 'beverages', 'menuLine']);
    expect(dinner.decisions.get('dish')!.requiredDecisions).toEqual(['season', 'guestCount']);
  });

  it('evaluates required decisions first and records them', () => {
    // given October and six guests
    const evaluation = evaluateDecision(dinner, 'dish', { month: 10, adults: 4, children: 2 });
    // then the season and the guest count were decided first
    expect(evaluation.required.map((r) => [r.decisionId, r.result])).toEqual([
      ['season', 'Fall'],
      ['guestCount', 6],
    ]);
    expect(evaluation.inputs.map((i) => i.value)).toEqual(['Fall', 6]);
    expect(evaluation.result).toBe('Spareribs');
  });

  it('shows a required decision by its output name, as Camunda does', () => {
    // beverages reads `desiredDish`, the dish table's output name
    const evaluation = evaluateDecision(dinner, 'beverages', { month: 1, adults: 12, children: 1 });
    expect(evaluation.inputs[0]!.value).toBe('Stew');
    expect(evaluation.result).toEqual(['Beer', 'Apple juice', 'Water']);
  });

  it('shows a required decision by its name, as DMN does, and evaluates a shared one once', () => {
    // menuLine reads `Dish` (a value) and `Beverages` (a list, COLLECT)
    const evaluation = evaluateDecision(dinner, 'menuLine', { month: 7, adults: 2, children: 0 });
    expect(evaluation.kind).toBe('literalExpression');
    expect(evaluation.result).toBe('Salad with Water');
    expect(evaluation.outputs).toEqual([{ menuLine: 'Salad with Water' }]);
    // dish is required by both menuLine and beverages: the same evaluation appears in both
    const [dish, beverages] = evaluation.required;
    expect(beverages!.required[0]).toBe(dish);
  });

  it('evaluates a literal expression decision with its type', () => {
    const evaluation = evaluateDecision(dinner, 'guestCount', { adults: '2', children: 1 });
    // "2" + 1 is null in FEEL; typeRef integer leaves null as null
    expect(evaluation.result).toBeNull();
    expect(evaluateDecision(dinner, 'guestCount', { adults: 2, children: 1 }).outputs).toEqual([{ guestCount: 3 }]);
  });

  it('refuses a cycle at parse, naming it', () => {
    const error = refusal(() => parseFixture('refused.cycle.dmn'));
    expect(error.code).toBe('DMN_INVALID');
    expect(error.details).toEqual([
      expect.objectContaining({ element: 'a', reason: 'decision requirements form a cycle: a → b → c → a' }),
    ]);
  });

  it('refuses a requirement on a decision the document lacks', () => {
    const xml = `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="x" name="x" namespace="n">
      <decision id="a" name="a"><informationRequirement><requiredDecision href="#ghost"/></informationRequirement>
        <literalExpression><text>1</text></literalExpression></decision></definitions>`;
    expect(refusal(() => parseDmn(xml)).details[0]!.reason).toBe(
      "decision 'a' requires decision 'ghost', which the document lacks",
    );
  });

  it('an unknown decision id is NotFound', () => {
    expect(refusal(() => evaluateDecision(dinner, 'dessert', {})).status).toBe(404);
  });

  it('converts declared input data to its type', () => {
    const xml = `<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="x" name="x" namespace="n">
      <inputData id="i" name="birthday"><variable name="birthday" typeRef="date"/></inputData>
      <decision id="a" name="a"><informationRequirement><requiredInput href="#i"/></informationRequirement>
        <literalExpression><text>birthday.year</text></literalExpression></decision></definitions>`;
    const definitions = parseDmn(xml);
    expect(definitions.decisions.get('a')!.requiredInputs).toEqual(['birthday']);
    expect(evaluateDecision(definitions, 'a', { birthday: '1990-05-17' }).result).toBe(1990);
    expect(refusal(() => evaluateDecision(definitions, 'a', { birthday: 'May' })).details[0]!.element).toBe('i');
  });
});
