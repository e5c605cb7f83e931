// Documents in a real browser: the reception officer of Phường Hội An opens the documents page of a counter
// dossier, digitises a component (a scanned PDF) and sees it listed with its checksum; issues the signed
// electronic result; and the public verification page says "valid" for the result and "tampered" for a changed
// copy. Every page passes axe-core without serious or critical violations, and nothing needs JavaScript.
//
// Run through ./scripts/test, which starts `motcua demo` and sets MOTCUA_E2E_URL.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { baseUrl, checkA11y, DEMO_PASSWORD, launch, logIn, TEST_TIMEOUT_MS, waitForPath, withPage } from './helpers.js';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A counter dossier of procedure 1.001570 received through the API as the ward's reception officer. */
async function counterDossier() {
  const session = await fetch(`${baseUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'tiepnhan.hoian', password: DEMO_PASSWORD }),
  });
  assert.equal(session.status, 201);
  const { token } = await session.json();
  const reply = await fetch(`${baseUrl}/api/v1/dossiers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      procedure: '1.001570',
      applicant: { id_number: '048203000001', full_name: 'Nguyễn Thị Dân', phone: '0905123456' },
      form: {
        ho_ten_chu_ho: 'Nguyễn Thị Dân', so_dinh_danh: '048203000001', 'noi_thuong_tru.province': 'p48',
        'noi_thuong_tru.commune': 'c20410', 'noi_thuong_tru.detail': '12 Trần Phú', so_dien_thoai: '0905123456',
        ma_so_ho_kinh_doanh: '40A8001234', ten_ho_kinh_doanh: 'Hộ kinh doanh Dân Phát', de_nghi: 'tam_ngung',
        tu_ngay: '01/12/2026',
      },
      components: ['tp7'],
    }),
  });
  const body = await reply.json();
  assert.equal(reply.status, 201, JSON.stringify(body));
  return body.id;
}

test('digitisation at the counter, a signed result, and the public verification page', { timeout: TEST_TIMEOUT_MS }, async () => {
  const id = await counterDossier();
  let code;
  await withPage(browser, 'tai-lieu', async (page) => {
    await page.goto('/dang-nhap');
    await logIn(page, 'tiepnhan.hoian');
    await waitForPath(page, '/can-bo');
    await page.goto(`/can-bo/ho-so/${id}`);
    await page.getByRole('link', { name: /Xem tệp của từng thành phần/ }).click();
    await waitForPath(page, `/can-bo/ho-so/${id}/tai-lieu`);
    await page.getByRole('heading', { level: 1, name: 'Thành phần hồ sơ và tệp đính kèm' }).waitFor();
    await checkA11y(page);

    await page.getByLabel('Thành phần hồ sơ', { exact: true }).selectOption('tp7');
    await page.getByLabel('Hình thức', { exact: true }).selectOption('digitised');
    await page.getByLabel('Tệp', { exact: true }).setInputFiles({ name: 'giay-de-nghi-quet.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Lưu tệp', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Đã lưu tệp.' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'giay-de-nghi-quet.pdf' });
    await row.waitFor();
    assert.match(await row.innerText(), /Đã số hóa tại bộ phận một cửa/);
    assert.match(await row.innerText(), /[0-9a-f]{64}/);

    // A disguised program is refused with a Vietnamese message, and nothing is listed.
    await page.getByLabel('Tệp', { exact: true }).setInputFiles({ name: 'don.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(2000)]) });
    await page.getByRole('button', { name: 'Lưu tệp', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: /tệp chương trình/ }).waitFor();
    assert.equal(await page.getByRole('row').filter({ hasText: 'don.pdf' }).count(), 0);

    await page.getByLabel('Tệp kết quả (PDF hoặc XML)').setInputFiles({ name: 'ket-qua.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Ký và phát hành', exact: true }).click();
    await page.getByRole('status').filter({ hasText: /Đã ký và phát hành kết quả điện tử/ }).waitFor();
    const result = await page.getByRole('row').filter({ hasText: 'ket-qua.pdf' }).innerText();
    code = result.match(/KQ[0-9A-Z]{10}/)[0];
  });

  await withPage(browser, 'xac-minh', async (page) => {
    await page.goto('/xac-minh');
    await checkA11y(page);
    await page.getByText('không phải chữ ký số có giá trị pháp lý').waitFor();
    await page.getByLabel('Mã kết quả').fill(code);
    await page.getByLabel('Tệp kết quả (không bắt buộc)').setInputFiles({ name: 'ket-qua.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('button', { name: 'Xác minh', exact: true }).click();
    const verdict = page.locator('[data-verdict]');
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-verdict'), 'valid');
    assert.match(await verdict.innerText(), /^Hợp lệ/);
    await checkA11y(page);

    await page.getByLabel('Mã kết quả').fill(code);
    const changed = Buffer.concat([PDF, Buffer.from('% sửa một dòng\n')]);
    await page.getByLabel('Tệp kết quả (không bắt buộc)').setInputFiles({ name: 'ket-qua.pdf', mimeType: 'application/pdf', buffer: changed });
    await page.getByRole('button', { name: 'Xác minh', exact: true }).click();
    await page.locator('[data-verdict="tampered"]').waitFor();
    assert.match(await page.locator('[data-verdict]').innerText(), /^Không hợp lệ/);
  });
});
