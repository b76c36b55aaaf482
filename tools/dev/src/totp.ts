/**
 * `npm run totp -- <secret>`: prints the current 6-digit code of a TOTP secret, for trying the staff login on a
 * machine without an authenticator app (the enrolment page shows the secret under the QR code). Development only.
 */
import { generate } from 'otplib';

const secret = (process.argv[2] ?? '').replace(/\s+/g, '').toUpperCase();
if (!/^[A-Z2-7]{16,}=*$/.test(secret)) {
  console.error('用法 / usage: npm run totp -- <base32 secret shown on the 绑定身份验证器 page>');
  process.exit(2);
}
const now = Math.floor(Date.now() / 1000);
console.log(`${await generate({ secret, epoch: now })}  (valid for ${30 - (now % 30)} more seconds)`);
