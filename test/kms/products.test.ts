import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listProducts, lookupProduct } from '../../src/kms/products.js';
import { KMS_DATABASE_XML, REPO_ROOT } from './paths.js';

// Expected rows were looked up by hand in KmsDataBase.xml: the SkuItem line, its enclosing
// KmsItem (DisplayName, Id, NCountPolicy) and AppItem.
describe('lookupProduct: hand lookups in KmsDataBase.xml', () => {
  it('Windows 10/11 Pro (XML line 500, KmsItem line 493, AppItem Windows)', () => {
    expect(lookupProduct('2de67392-b7a7-462a-b1ca-108dd189f588')).toEqual({
      activationId: '2de67392-b7a7-462a-b1ca-108dd189f588',
      name: 'Windows 10/11 Pro',
      kmsGroup: 'Windows 10/11 2015 (Volume)',
      kmsGroupId: '58e2134f-8e11-4d17-9cb2-91069c151148',
      application: 'Windows',
      minimumCount: 25,
      known: true,
    });
  });
  it('Office LTSC Professional Plus 2024 (line 720, KmsItem "Office 2024" line 715)', () => {
    expect(lookupProduct('8d368fc1-9470-4be2-8d66-90e836cbb051')).toMatchObject({
      name: 'Office LTSC Professional Plus 2024',
      kmsGroup: 'Office 2024',
      kmsGroupId: '1b4db7eb-4057-5ddf-91e0-36dec72071f5',
      application: 'Office',
      minimumCount: 5,
      known: true,
    });
  });
  it('Windows Server 2008 R2 Standard, the MS-F074 product (line 429, KmsItem line 428)', () => {
    expect(lookupProduct('68531fb9-5511-4989-97be-d11a0f55633f')).toMatchObject({
      name: 'Windows Server 2008 R2 Standard',
      kmsGroup: 'Windows Server 2008 R2 B (Standard and Enterprise)',
      kmsGroupId: 'ca87f5b6-cd46-40c0-b06d-8ecd57a4373f',
      application: 'Windows',
      minimumCount: 5,
    });
  });
  it('Office Access 2010 counts under Office 2010 (line 592, AppItem 59a52881-…)', () => {
    expect(lookupProduct('8ce7e872-188c-4b98-9d90-f8f90b7aad02')).toMatchObject({
      name: 'Office Access 2010',
      kmsGroup: 'Office 2010',
      kmsGroupId: 'e85af946-2e25-47b7-83e1-bebcebeac611',
      application: 'Office 2010',
      minimumCount: 5,
    });
  });
  it('Enterprise multi-session is a client edition with N-policy 5 (line 464, KmsItem cbdcb1ba-…)', () => {
    expect(lookupProduct('ec868e65-fadf-4759-b23e-93fe37f2cc29')).toMatchObject({
      name: 'Windows 10/11 Enterprise multi-session',
      kmsGroup: 'Windows 10 ServerRdsh (Volume)',
      application: 'Windows',
      minimumCount: 5,
    });
  });
  it('the VA2-OPS sample ID cf67834d-… is not in the XML (grep finds no match): unknown', () => {
    expect(lookupProduct('cf67834d-db4a-402c-ab1f-2c134f02b700')).toEqual({
      activationId: 'cf67834d-db4a-402c-ab1f-2c134f02b700',
      name: 'Unknown product cf67834d-db4a-402c-ab1f-2c134f02b700',
      kmsGroup: '',
      kmsGroupId: '',
      application: 'Unknown',
      minimumCount: null,
      known: false,
    });
  });
});

describe('lookupProduct: input forms', () => {
  it('is case-insensitive and tolerates braces and blanks', () => {
    const expected = lookupProduct('2de67392-b7a7-462a-b1ca-108dd189f588');
    expect(lookupProduct('{2DE67392-B7A7-462A-B1CA-108DD189F588}')).toEqual(expected);
    expect(lookupProduct(' 2De67392-b7a7-462a-b1ca-108dd189f588 ')).toEqual(expected);
  });
  it('keeps non-GUID text in the unknown answer', () => {
    expect(lookupProduct('Not-A-Guid')).toMatchObject({ name: 'Unknown product not-a-guid', known: false, application: 'Unknown' });
  });
});

describe('listProducts', () => {
  const products = listProducts();
  it('holds every SkuItem under AppItems (grep -c "<SkuItem" gives 258, one of them in the commented schema example)', () => {
    expect(products).toHaveLength(257);
    expect(new Set(products.map((p) => p.activationId)).size).toBe(257);
  });
  it('has only the three applications and the two N-policies of the XML', () => {
    expect(new Set(products.map((p) => p.application))).toEqual(new Set(['Windows', 'Office 2010', 'Office']));
    expect(new Set(products.map((p) => p.minimumCount))).toEqual(new Set([5, 25]));
  });
});

describe('products-data.ts is up to date', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kmswatch-products-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('regenerating from KmsDataBase.xml gives the committed module byte for byte', () => {
    const out = path.join(dir, 'products-data.ts');
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/gen-products.mjs'), KMS_DATABASE_XML, out], { stdio: 'pipe' });
    const committed = readFileSync(path.join(REPO_ROOT, 'src/kms/products-data.ts'), 'utf8');
    expect(readFileSync(out, 'utf8')).toBe(committed);
  });

  it('the script fails with the line of a duplicate SkuItem', () => {
    const bad = path.join(dir, 'dup.xml');
    const sku = '<SkuItem DisplayName="A" Id="2de67392-b7a7-462a-b1ca-108dd189f588" />';
    const xml = `<KmsData><AppItems>\n<AppItem Id="55c92734-d682-4d71-983e-d6ec3f16059f">\n<KmsItem DisplayName="G" Id="58e2134f-8e11-4d17-9cb2-91069c151148" NCountPolicy="25">\n${sku}\n${sku}\n</KmsItem></AppItem></AppItems></KmsData>`;
    writeFileSync(bad, xml);
    let stderr = '';
    try {
      execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/gen-products.mjs'), bad, path.join(dir, 'x.ts')], { stdio: 'pipe' });
    } catch (err) {
      stderr = String((err as { stderr: Buffer }).stderr);
    }
    expect(stderr).toMatch(/line 5: SkuItem 2de67392-b7a7-462a-b1ca-108dd189f588 repeats line 4/);
  });
});
