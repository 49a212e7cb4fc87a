import { readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { decodeBpmnBytes, diagramInterchange, differences, semanticTree } from '../support/bpmn-semantics.js';
import { launchBrowser, newUserPage, pageErrors, screenshot, type TestBrowser } from './support/browser.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const MIWG = path.join(FIXTURES, 'corpus/miwg');
const CAMUNDA7 = path.join(FIXTURES, 'camunda7');
const bpmnFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.bpmn'))
    .sort();

/**
 * What each reference model asks to be drawn, as the file itself says (BPMNShape / BPMNEdge
 * counts). Written down to catch a broken DI reader: the test recomputes them from the XML.
 */
const MIWG_DI_COUNTS: Record<string, [shapes: number, edges: number]> = {
  'A.1.0.bpmn': [5, 4],
  'A.2.0.bpmn': [8, 9],
  'A.2.1.bpmn': [8, 11],
  'A.3.0.bpmn': [10, 8],
  'A.4.0.bpmn': [20, 15],
  'A.4.1.bpmn': [22, 15],
  'B.1.0.bpmn': [34, 29],
  'B.2.0.bpmn': [99, 87],
};

describe('designer: real-world BPMN files in Chromium', () => {
  let t: TestPlatform;
  let chrome: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    [t, chrome] = await Promise.all([startTestPlatform('postgres'), launchBrowser()]);
    page = await newUserPage(chrome.browser, t.url, 'designer', { locale: 'en' });
    await page.goto(`${t.url}/#/designer-import`);
    await page.getByRole('heading', { name: 'BPMN import check' }).waitFor();
  });
  afterAll(async () => {
    await chrome?.close();
    await t?.close();
  });

  /** Uploads a file through the page's file input and waits for the designer's modeler to finish importing it. */
  async function open(file: string) {
    await page.getByLabel('Choose a BPMN file to open').setInputFiles(file);
    const result = page.locator(`[data-testid="import-result"][data-file="${path.basename(file)}"]`);
    await result.waitFor();
    return {
      warnings: Number(await result.getAttribute('data-warnings')),
      error: await result.getAttribute('data-error'),
      text: await result.textContent(),
      drawnIds: new Set(
        await page
          .getByTestId('import-canvas')
          .locator('[data-element-id]')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-element-id') ?? '')),
      ),
      // diagram-js hides an element (display="none") that sits inside a collapsed shape
      hiddenIds: new Set(
        await page
          .getByTestId('import-canvas')
          .locator('[data-element-id][display="none"]')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-element-id') ?? '')),
      ),
    };
  }

  /** Saves the diagram through "Download .bpmn" without touching it and returns the file's text. */
  async function saveUnchanged(): Promise<string> {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download .bpmn' }).click(),
    ]);
    return readFile((await download.path()) as string, 'utf8');
  }

  it('has all eight MIWG reference models as fixtures, with their licence note', () => {
    expect(bpmnFiles(MIWG)).toEqual(Object.keys(MIWG_DI_COUNTS));
    expect(readFileSync(path.join(MIWG, 'SOURCE.md'), 'utf8')).toContain('Creative Commons Attribution 3.0');
  });

  it.each(bpmnFiles(MIWG))(
    'imports MIWG %s with zero warnings and renders every shape and edge it defines',
    async (name) => {
      // given what the file asks to be drawn, read from the XML without bpmn-js
      const di = diagramInterchange(decodeBpmnBytes(readFileSync(path.join(MIWG, name))));
      expect([di.shapes.length, di.edges.length]).toEqual(MIWG_DI_COUNTS[name]);

      // when the designer's modeler imports it in the browser
      const result = await open(path.join(MIWG, name));

      // then nothing was reported and every BPMNShape and BPMNEdge became a graphics element
      expect(result.error).toBe('');
      expect(result.warnings).toBe(0);
      const missing = [...di.shapes, ...di.edges].filter((id) => !result.drawnIds.has(id));
      expect(missing).toEqual([]);
      expect([...di.shapes, ...di.edges].filter((id) => result.hiddenIds.has(id))).toEqual([]);
      expect(result.text).toContain(`${di.shapes.length} shapes, ${di.edges.length} edges`);
      await screenshot(page, `designer-corpus-${name.replace(/\.bpmn$/, '')}`);
      expect(pageErrors(page)).toEqual([]);
    },
    60_000,
  );

  it.each(bpmnFiles(CAMUNDA7))(
    'opens %s (Camunda Modeler 7 dialect) and saves it unchanged with every camunda: property intact',
    async (name) => {
      // given a file in Camunda Modeler 7's dialect
      const original = decodeBpmnBytes(readFileSync(path.join(CAMUNDA7, name)));
      const di = diagramInterchange(original);
      expect(original).toMatch(/camunda:/);

      // when it is opened in the designer and saved without any change
      const result = await open(path.join(CAMUNDA7, name));
      expect(result.error).toBe('');
      expect(result.warnings).toBe(0);
      expect([...di.shapes, ...di.edges].filter((id) => !result.drawnIds.has(id))).toEqual([]);
      const saved = await saveUnchanged();

      // then the saved file means the same: same elements, ids, types, attributes (camunda:*
      // included), extension elements, flows and diagram bounds
      expect(differences(await semanticTree(original), await semanticTree(saved))).toEqual([]);
      expect(pageErrors(page)).toEqual([]);
    },
    60_000,
  );

  it('draws the called process inside an expanded call activity and keeps it in place', async () => {
    // given MIWG B.1.0, whose "Call Activity - Expanded" shows the process it calls
    await open(path.join(MIWG, 'B.1.0.bpmn'));
    const canvas = page.getByTestId('import-canvas');
    const ids = [
      '_ba16239e-181e-4b9f-bc5b-0bb2ee973450', // the call activity
      '_200f43e7-1385-46e2-a380-3ef16ebe7847', // its start event
      '_c57a5344-213f-4834-a6c3-94ce878b413c', // its task
    ];
    const shape = (id: string) => canvas.locator(`[data-element-id="${id}"]`);
    const positions = () => Promise.all(ids.map((id) => shape(id).getAttribute('transform')));
    const before = await positions();
    expect(await shape(ids[2]!).getAttribute('display')).not.toBe('none');

    // when someone drags the call activity (by its lower edge) and then its task
    const drag = async (x: number, y: number) => {
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(x + 20, y + 6, { steps: 5 });
      await page.mouse.up();
    };
    const activity = (await shape(ids[0]!).boundingBox())!;
    await drag(activity.x + activity.width / 4, activity.y + activity.height - 6);
    const task = (await shape(ids[2]!).boundingBox())!;
    await drag(task.x + task.width / 2, task.y + task.height / 2);

    // then nothing moved (bpmn-js would try to re-parent the called process's elements)
    expect(await positions()).toEqual(before);
    expect(pageErrors(page)).toEqual([]);
  });

  it("shows a Camunda 7 file's camunda: properties in the designer's properties panel", async () => {
    // given the meter test request process (written in Camunda Modeler 7's dialect) opened in the designer's modeler
    await open(path.join(CAMUNDA7, 'meter-test-request.bpmn'));

    // when its "Approve metering adjustment" user task is selected and its assignment group opened
    await page.getByTestId('import-canvas').locator('[data-element-id="ApproveAdjustment"]').click();
    const assignment = page
      .locator('.bio-properties-panel-group')
      .filter({ has: page.locator('.bio-properties-panel-group-header', { hasText: 'User assignment' }) });
    await assignment.locator('.bio-properties-panel-group-header').click();

    // then the assignee, candidate groups, due and follow-up dates and priority of the file are there to edit
    const field = (label: string) => assignment.getByLabel(label, { exact: true }).inputValue();
    await expect(field('Assignee')).resolves.toBe('${districtManager}');
    await expect(field('Candidate groups')).resolves.toBe('metering-manager');
    await expect(field('Due date')).resolves.toBe('${dateTime().plusDays(5).toDate()}');
    await expect(field('Follow up date')).resolves.toBe('${dateTime().plusDays(4).toDate()}');
    await expect(field('Priority')).resolves.toBe('${errorPercent > 5 ? 90 : 60}');
    await screenshot(page, 'designer-corpus-camunda7-properties');
  });

  it.each(bpmnFiles(MIWG))(
    'saves MIWG %s unchanged without losing meaning',
    async (name) => {
      const original = decodeBpmnBytes(readFileSync(path.join(MIWG, name)));
      await open(path.join(MIWG, name));
      const saved = await saveUnchanged();
      expect(differences(await semanticTree(original), await semanticTree(saved))).toEqual([]);
    },
    60_000,
  );
});
