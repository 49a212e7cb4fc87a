import { describe, expect, it } from 'vitest';
import { nameFor, nameIn } from '../../../modeler/src/lib/bilingual.js';

describe('a bilingual name shown in one language', () => {
  it.each([
    ['停电审批 Approve disconnection', '停电审批', 'Approve disconnection'],
    ['仍欠费? Still owing?', '仍欠费?', 'Still owing?'],
    ['停电通知（提前7天）Written notice, 7 days ahead', '停电通知（提前7天）', 'Written notice, 7 days ahead'],
    ['不停电，继续催收 No disconnection', '不停电，继续催收', 'No disconnection'],
    ['停电前30分钟 30 minutes before', '停电前30分钟', '30 minutes before'],
    ['1 分钟后 In a minute', '1 分钟后', 'In a minute'],
    ['业扩类别 Class?', '业扩类别', 'Class?'],
  ])('%s', (name, zh, en) => {
    expect(nameIn(name, 'zh')).toBe(zh);
    expect(nameIn(name, 'en')).toBe(en);
  });

  it.each([['业务受理'], ['Approve disconnection'], ['提交SAP'], ['提交 SAP'], ['A01 受理'], ['']])(
    'keeps %j as written',
    (name) => {
      expect(nameIn(name, 'zh')).toBe(name);
      expect(nameIn(name, 'en')).toBe(name);
    },
  );

  it('passes null and undefined through', () => {
    expect(nameIn(null, 'en')).toBeNull();
    expect(nameIn(undefined, 'zh')).toBeUndefined();
  });
});

describe('a thing with a Chinese and an English name', () => {
  it('shows the English one on English screens where there is one, else its own', () => {
    expect(nameFor('en', '西湖区供电分公司', 'Xihu County Office')).toBe('Xihu County Office');
    expect(nameFor('zh', '西湖区供电分公司', 'Xihu County Office')).toBe('西湖区供电分公司');
    expect(nameFor('en', '西湖区供电分公司', null)).toBe('西湖区供电分公司');
    expect(nameFor('en', '西湖区供电分公司', '')).toBe('西湖区供电分公司');
    expect(nameFor('en', null, null)).toBeNull();
  });
});
