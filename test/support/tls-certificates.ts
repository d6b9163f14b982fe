import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Throwaway certificates made with the `openssl` CLI, so TLS specs exercise
 * real chains and real hostname checks instead of `rejectUnauthorized: false`.
 * EC P-256 keys: generated in milliseconds, accepted by PostgreSQL and Node.
 */
export interface CertificateAuthority {
  /** PEM file, for `sslrootcert=` in a URL. */
  certFile: string;
  /** The same certificate as PEM text, for `ssl: { ca }`. */
  certPem: string;
  keyFile: string;
}

export interface ServerCertificate {
  certPem: string;
  keyPem: string;
}

export function openSslAvailable(): boolean {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
}

const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
/** Long enough for any run, short enough that a leaked file is useless. */
const DAYS = '2';

/** A self-signed CA; `name` is both its file prefix in `dir` and its common name. */
export function createCertificateAuthority(dir: string, name: string): CertificateAuthority {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  openssl([
    'req', '-x509', ...KEY_ARGS, '-keyout', keyFile, '-out', certFile, '-days', DAYS,
    '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { certFile, certPem: readFileSync(certFile, 'utf8'), keyFile };
}

/**
 * A server certificate signed by `ca`, valid only for `subjectAltNames`
 * (e.g. `['DNS:localhost']`): Node checks the host name against these, not the CN.
 */
export function issueServerCertificate(
  ca: CertificateAuthority,
  dir: string,
  name: string,
  subjectAltNames: string[],
): ServerCertificate {
  const keyFile = join(dir, `${name}.key`);
  const csrFile = join(dir, `${name}.csr`);
  const certFile = join(dir, `${name}.crt`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(
    extFile,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${subjectAltNames.join(',')}`,
    ].join('\n'),
  );
  openssl(['req', '-new', ...KEY_ARGS, '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${name}`]);
  // -extfile rather than -copy_extensions: it also works with OpenSSL 1.1 and LibreSSL (macOS).
  openssl([
    'x509', '-req', '-in', csrFile, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-set_serial', String(Date.now()),
    '-days', DAYS, '-extfile', extFile, '-out', certFile,
  ]);
  return { certPem: readFileSync(certFile, 'utf8'), keyPem: readFileSync(keyFile, 'utf8') };
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr || String(error)}`, { cause: error });
  }
}
