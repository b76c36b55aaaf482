import { z } from 'zod';

// Body of POST /api/identity/activate. (Candidate for @exam/api, so the shell can share it.)
export const activateSchema = z
  .object({
    registrationNo: z.string({ error: '请输入报名号' }).trim().min(1, '请输入报名号').max(32, '报名号过长'),
    idNumber: z.string({ error: '请输入身份证件号码' }).trim().min(1, '请输入身份证件号码').max(32, '身份证件号码过长'),
    password: z
      .string({ error: '请设置密码' })
      .min(8, '密码至少 8 位，需同时包含字母和数字')
      .max(128, '密码过长')
      .regex(/[A-Za-z]/, '密码至少 8 位，需同时包含字母和数字')
      .regex(/\d/, '密码至少 8 位，需同时包含字母和数字'),
    confirmPassword: z.string({ error: '请再次输入密码' }),
  })
  .refine((v) => v.password === v.confirmPassword, { message: '两次输入的密码不一致', path: ['confirmPassword'] });
export type ActivateRequest = z.infer<typeof activateSchema>;
