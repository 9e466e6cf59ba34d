// The page's name (issue 15, "deploy without owning a domain"): the managed certificate, the
// http->https redirect and the url output use var.domain when set, and without it
// <a-b-c-d>.sslip.io derived from the frontend's reserved global address. The static half reads
// the HCL (what is wired to what); the evaluated half (lib/terraform.mjs, skipped without a
// terraform binary) applies the real local's expression with a stand-in address, and plans the
// real domain variables (root and module frontend) on good and bad values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadModule } from '../lib/checker.mjs';
import { TERRAFORM, blockText, evaluate, expression, planErrors } from '../lib/terraform.mjs';

const ROOT = path.join(import.meta.dirname, '..', '..', 'terraform');
const FRONTEND = path.join(ROOT, 'modules', 'frontend');
const skip = TERRAFORM ? false : 'no terraform on PATH';
const ADDRESS = 'google_compute_global_address.frontend.address';

test('the certificate, the redirect and the url output all take local.certificate_domain; the root hands domain on and prints page_url and certificate_domain', async () => {
  const fe = await loadModule(FRONTEND);
  const cert = fe.decl.resource.get('google_compute_managed_ssl_certificate.frontend').body;
  assert.deepEqual(cert.managed[0].domains, ['${local.certificate_domain}']);
  const redirect = fe.decl.resource.get('google_compute_url_map.redirect').body;
  assert.equal(redirect.description, 'Redirects http:// to https:// for ${local.certificate_domain}.');
  assert.equal(fe.decl.output.get('url').body.value, 'https://${local.certificate_domain}/');
  assert.equal(fe.decl.output.get('certificate_domain').body.value, '${local.certificate_domain}');
  assert.equal(fe.decl.output.get('lb_ip').body.value, `\${${ADDRESS}}`);
  // The derived name names the address the forwarding rules listen on, not another one.
  const local = expression(fe.decl.local.get('certificate_domain').value);
  assert.match(local, new RegExp(ADDRESS.replace(/\./g, '\\.')));
  for (const rule of ['https', 'http']) {
    assert.equal(fe.decl.resource.get(`google_compute_global_forwarding_rule.${rule}`).body.ip_address, `\${${ADDRESS}}`);
  }

  const root = await loadModule(ROOT);
  assert.equal(root.decl.module.get('frontend').body.domain, '${var.domain}');
  assert.equal(root.decl.variable.get('domain').body.default, null, 'domain is optional, null by default');
  assert.equal(fe.decl.variable.get('domain').body.default, null, 'module frontend: domain is optional, null by default');
  assert.equal(root.decl.output.get('page_url').body.value, '${module.frontend.url}');
  assert.equal(root.decl.output.get('certificate_domain').body.value, '${module.frontend.certificate_domain}');
});

/** module frontend's certificate_domain local and url output, evaluated with var.domain (the
 * module's real variable block) and the reserved address stood in for by var.stub_address. */
async function frontendName(vars) {
  const fe = await loadModule(FRONTEND);
  const local = expression(fe.decl.local.get('certificate_domain').value).split(ADDRESS).join('var.stub_address');
  assert.doesNotMatch(local, /google_|module\.|data\./, 'certificate_domain names no other resource than the address');
  const url = expression(fe.decl.output.get('url').body.value);
  const tf = `${blockText(path.join(FRONTEND, 'variables.tf'), 'variable', 'domain')}\n`
    + 'variable "stub_address" {\n  type = string\n}\n'
    + `locals {\n  certificate_domain = ${local}\n}\n`;
  return evaluate(tf, { certificate_domain: 'local.certificate_domain', url }, vars);
}

test('with domain the certificate is for it and the url is https://DOMAIN/; without, <a-b-c-d>.sslip.io of the reserved address', { skip }, async () => {
  assert.deepEqual(await frontendName({ domain: 'llm.example.com', stub_address: '34.120.1.2' }), {
    certificate_domain: 'llm.example.com', url: 'https://llm.example.com/',
  });
  assert.deepEqual(await frontendName({ stub_address: '34.120.1.2' }), {
    certificate_domain: '34-120-1-2.sslip.io', url: 'https://34-120-1-2.sslip.io/',
  });
  assert.deepEqual(await frontendName({ domain: null, stub_address: '203.0.113.255' }), {
    certificate_domain: '203-0-113-255.sslip.io', url: 'https://203-0-113-255.sslip.io/',
  });
});

test('domain (root and module frontend): null or left out is accepted, a bad name still refused', { skip }, async () => {
  for (const [file, msg] of [
    [path.join(ROOT, 'variables.tf'), 'domain must be null or a lowercase fully qualified domain name such as llm.example.com.'],
    [path.join(FRONTEND, 'variables.tf'), 'domain must be null or a lowercase fully qualified domain name.'],
  ]) {
    const tf = blockText(file, 'variable', 'domain');
    const cases = [
      ['left out', undefined, null],
      ['null', null, null],
      ['a subdomain', 'llm.example.com', null],
      ['an sslip.io name', '34-120-1-2.sslip.io', null],
      ['capitals', 'LLM.example.com', msg],
      ['a URL', 'https://llm.example.com', msg],
      ['no dot', 'localhost', msg],
      ['a trailing dot', 'llm.example.com.', msg],
      ['empty', '', msg],
    ];
    const got = await Promise.all(cases.map(([, v]) => planErrors(tf, v === undefined ? {} : { domain: v })));
    cases.forEach(([what, , want], i) => assert.deepEqual(got[i], want ? [want] : [], `${path.relative(ROOT, file)}: domain ${what}`));
  }
});
