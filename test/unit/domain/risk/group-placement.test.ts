import { describe, expect, it } from 'vitest';
import { commonDepartment, groupPlacement, provinceOfPath } from '../../../../server/domain/risk/index.js';

describe('groupPlacement: where a group customer’s warning goes (DOMAIN.md §7)', () => {
  it.each([
    ['/HQ/ZJ/ZJ-HZ/ZJ-HZ-XH/', 'ZJ'],
    ['/HQ/JS/', 'JS'],
    ['/HQ/', 'HQ'],
  ])('takes the province of %s as %s', (path, province) => {
    expect(provinceOfPath(path)).toBe(province);
  });

  it.each([
    [['/HQ/ZJ/ZJ-HZ/ZJ-HZ-XH/', '/HQ/ZJ/ZJ-HZ/ZJ-HZ-YH/'], 'ZJ-HZ'],
    [['/HQ/ZJ/ZJ-HZ/ZJ-HZ-XH/', '/HQ/JS/JS-NJ/JS-NJ-JN/'], 'HQ'],
    [['/HQ/ZJ/ZJ-HZ/ZJ-HZ-XH/'], 'ZJ-HZ-XH'],
    [['/HQ/ZJ/ZJ-HZ/', '/HQ/ZJ/ZJ-HZ/ZJ-HZ-XH/'], 'ZJ-HZ'],
    [[], null],
  ])('holds %j under %s', (paths, department) => {
    expect(commonDepartment(paths)).toBe(department);
  });

  it('lists each group’s provinces once, sorted, with the department holding its members', () => {
    // given two groups: one across Zhejiang and Jiangsu, one within Hangzhou
    const placement = groupPlacement([
      { rootId: 'g1', departmentPath: '/HQ/ZJ/ZJ-HZ/ZJ-HZ-XH/' },
      { rootId: 'g1', departmentPath: '/HQ/JS/JS-NJ/JS-NJ-JN/' },
      { rootId: 'g1', departmentPath: '/HQ/ZJ/ZJ-NB/' },
      { rootId: 'g2', departmentPath: '/HQ/ZJ/ZJ-HZ/ZJ-HZ-XH/' },
      { rootId: 'g2', departmentPath: '/HQ/ZJ/ZJ-HZ/ZJ-HZ-YH/' },
    ]);
    // then
    expect(Object.fromEntries(placement)).toEqual({
      g1: { provinces: ['JS', 'ZJ'], departmentId: 'HQ' },
      g2: { provinces: ['ZJ'], departmentId: 'ZJ-HZ' },
    });
  });
});
