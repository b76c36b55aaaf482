// What other projects (the browser tests, the workers' tests) use of the dev runtime.
export { startSystem, DEFAULT_PORTS, REMOTES, SERVICES, type Ports, type RemoteName, type RunningSystem, type SystemOptions } from './system.js';
export { startMailSink, type MailSink } from './mail-sink.js';
export { startFakeAliyunSms, documentedSignature, type FakeAliyunSms, type FakeSmsAnswer, type FakeSmsRequest } from './fake-aliyun-sms.js';
export { DEMO_PASSWORDS, DEMO_SITES, DEMO_STAFF, type DemoCandidate } from './demo-data.js';
export { DEMO_IN_REVIEW, DEMO_SITE_PASSED } from './demo-review.js';
export {
  DEFAULT_RESTART_POLICY,
  isCrash,
  spawnTs,
  supervise,
  superviseTs,
  waitForHttp,
  type ManagedProcess,
  type RestartPolicy,
  type SupervisedProcess,
} from './processes.js';
