/**
 * antd's QRCode for the staff TOTP enrolment screen. Imported from antd directly, not through `@exam/ui`: the
 * shell is the host and owns the antd instance `@exam/ui` wraps (same compilation, same ConfigProvider context),
 * and keeping QRCode out of the shared `@exam/ui` singleton keeps it out of every remote's download.
 */
export { QRCode } from 'antd';
