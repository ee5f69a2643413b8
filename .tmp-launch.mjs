import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync','--no-first-run','--disable-quic'] });
console.log('version', browser.version());
for (const js of [true, false]) {
  const ctx = await browser.newContext({ javaScriptEnabled: js });
  const page = await ctx.newPage();
  await page.setContent('<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>Hello</h1><img src="x.png"><button></button></main></body></html>');
  const r = await new AxeBuilder({ page }).withTags(['wcag2a','wcag2aa']).analyze();
  console.log('js', js, 'violations', r.violations.map(v => `${v.id}/${v.impact}`));
  await ctx.close();
}
await browser.close();
