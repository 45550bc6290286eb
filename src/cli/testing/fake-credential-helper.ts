import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A credential helper speaking the protocol, keeping {server: {Username, Secret}} in the JSON
 * file $FAKE_CREDS and logging each action to $FAKE_CREDS.log.
 */
const FAKE_HELPER = `#!/usr/bin/env python3
import json, os, sys
path = os.environ['FAKE_CREDS']
action = sys.argv[1]
data = sys.stdin.read()
with open(path + '.log', 'a') as log:
    log.write(action + '\\n')
creds = json.load(open(path)) if os.path.exists(path) else {}
def save():
    json.dump(creds, open(path, 'w'))
if action == 'store':
    c = json.loads(data)
    creds[c['ServerURL']] = {'Username': c['Username'], 'Secret': c['Secret']}
    save()
elif action == 'get':
    c = creds.get(data.strip())
    if c is None:
        print('credentials not found in native keychain')
        sys.exit(1)
    print(json.dumps({'ServerURL': data.strip(), 'Username': c['Username'], 'Secret': c['Secret']}))
elif action == 'erase':
    if creds.pop(data.strip(), None) is None:
        print('credentials not found in native keychain')
        sys.exit(1)
    save()
elif action == 'list':
    print(json.dumps({k: v['Username'] for k, v in creds.items()}))
else:
    print('unknown action')
    sys.exit(1)
`;

/** Writes the fake helper as `<dir>/docker-credential-<name>`; put `dir` on PATH to use it. */
export function writeFakeCredentialHelper(dir: string, name: string): string {
  const path = join(dir, `docker-credential-${name}`);
  writeFileSync(path, FAKE_HELPER);
  chmodSync(path, 0o755);
  return path;
}
