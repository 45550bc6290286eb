/** Layer rules from DESIGN.md: the arrows point one way, and there are no cycles. */
const server = '^src/(sys|snapshot|image|runtime|network|volume|engine|build|registry|cluster|daemon)/';
const client = '^src/(client|cli|compose)/';
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    { name: 'leaves-stay-leaves', severity: 'error', from: { path: '^src/(lib|oci|api)/' }, to: { path: '^src/(?!lib|oci|api)[^/]+/' } },
    { name: 'lib-imports-nothing-of-ours', severity: 'error', from: { path: '^src/lib/' }, to: { path: '^src/(?!lib/)' } },
    { name: 'client-side-not-server-side', severity: 'error', from: { path: client }, to: { path: server } },
    { name: 'server-side-not-client-side', severity: 'error', from: { path: server }, to: { path: client } },
    { name: 'subsystems-not-engine-or-daemon', severity: 'error', from: { path: '^src/(sys|snapshot|image|runtime|network|volume)/' }, to: { path: '^src/(engine|daemon)/' } },
    { name: 'build-through-its-backend', severity: 'error', from: { path: '^src/build/' }, to: { path: '^src/(engine|daemon)/' }, comment: 'build states its needs in build/backend.ts; the daemon wires them' },
    { name: 'engine-not-daemon', severity: 'error', from: { path: '^src/engine/' }, to: { path: '^src/daemon/' } },
    { name: 'routes-only-through-backend', severity: 'error', from: { path: '^src/daemon/routes/' }, to: { path: '^src/(engine|image|runtime|snapshot)/' } },
    { name: 'only-runtime-spawns-runtimes', severity: 'error', from: { pathNot: '^src/(runtime|cmd)/|\\.test\\.ts$' }, to: { path: '^src/runtime/conmon/' , pathNot: '^src/runtime/(index|types)\\.ts$' }, comment: 'reach the runtime through its index' },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    exclude: { path: '\\.test\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
