import { describe, expect, it } from 'vitest';
import {
  AliyunSmsProvider,
  DeliveryError,
  canonicalizedQueryString,
  classifyAliyunError,
  percentEncode,
  signRpcRequest,
  stringToSign,
} from './index.js';

/**
 * The worked example of Aliyun's SMS signature documentation ("短信服务 › 签名机制", help.aliyun.com/document_detail/101343,
 * AccessKeyId testId, AccessKeySecret testSecret): its parameters, the sorted query string, the string to sign and the
 * signature it publishes.
 */
const DOCUMENTED = {
  params: {
    AccessKeyId: 'testId',
    Action: 'SendSms',
    Format: 'XML',
    OutId: '123',
    PhoneNumbers: '15300000001',
    RegionId: 'cn-hangzhou',
    SignName: '阿里云短信测试专用',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
    SignatureVersion: '1.0',
    TemplateCode: 'SMS_71390007',
    TemplateParam: '{"customer":"test"}',
    Timestamp: '2017-07-12T02:42:19Z',
    Version: '2017-05-25',
  },
  secret: 'testSecret',
  sortedQueryString:
    'AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou' +
    '&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8&SignatureMethod=HMAC-SHA1' +
    '&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0&TemplateCode=SMS_71390007' +
    '&TemplateParam=%7B%22customer%22%3A%22test%22%7D&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25',
  stringToSign:
    'GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123%26PhoneNumbers%3D15300000001' +
    '%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1' +
    '%25E6%25B5%258B%25E8%25AF%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D' +
    '45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode%3DSMS_71390007%26TemplateParam%3D' +
    '%257B%2522customer%2522%253A%2522test%2522%257D%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25',
  signature: 'zJDF+Lrzhj/ThnlvIToysFRq6t4=',
  /** as it appears in the documented request URL */
  signatureInUrl: 'zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D',
};

describe('Aliyun SMS adapter', () => {
  it('the Aliyun request is signed exactly as the provider documents', () => {
    expect(canonicalizedQueryString(DOCUMENTED.params)).toBe(DOCUMENTED.sortedQueryString);
    expect(stringToSign('GET', DOCUMENTED.params)).toBe(DOCUMENTED.stringToSign);
    expect(signRpcRequest('GET', DOCUMENTED.params, DOCUMENTED.secret)).toBe(DOCUMENTED.signature);
    expect(percentEncode(signRpcRequest('GET', DOCUMENTED.params, DOCUMENTED.secret))).toBe(DOCUMENTED.signatureInUrl);
    // a Signature parameter already present is not signed over
    expect(signRpcRequest('GET', { ...DOCUMENTED.params, Signature: 'x' }, DOCUMENTED.secret)).toBe(DOCUMENTED.signature);
  });

  it('percent-encodes as RFC 3986: unreserved characters stay, a space is %20, * + ~ as documented', () => {
    expect(percentEncode('A-Z_a.z~09')).toBe('A-Z_a.z~09');
    expect(percentEncode('a b*c+d/e!(f)\'')).toBe('a%20b%2Ac%2Bd%2Fe%21%28f%29%27');
    expect(percentEncode('张')).toBe('%E5%BC%A0');
  });

  it('builds SendSms with the sign, the provider template code, the parameters as JSON and our out-id', () => {
    const provider = new AliyunSmsProvider({
      accessKeyId: 'id',
      accessKeySecret: 'secret',
      now: () => new Date('2026-03-01T09:00:00.123Z'),
      nonce: () => 'nonce-1',
    });
    const params = provider.sendSmsParams({
      phoneNumber: '13800000000',
      signName: '医师资格考试',
      templateCode: 'SMS_123',
      templateParams: { name: '张三', deadline: '2026-03-01 17:00' },
      outId: '0190f0e0-0000-7000-8000-000000000001',
    });
    expect(params).toEqual({
      AccessKeyId: 'id',
      Action: 'SendSms',
      Format: 'JSON',
      OutId: '0190f0e0-0000-7000-8000-000000000001',
      PhoneNumbers: '13800000000',
      RegionId: 'cn-hangzhou',
      SignName: '医师资格考试',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: 'nonce-1',
      SignatureVersion: '1.0',
      TemplateCode: 'SMS_123',
      TemplateParam: '{"name":"张三","deadline":"2026-03-01 17:00"}',
      Timestamp: '2026-03-01T09:00:00Z',
      Version: '2017-05-25',
    });
  });

  it('tells per-number flow control, retryable and final refusals apart', () => {
    const kind = (code: string, status = 200) => {
      const e = classifyAliyunError(code, status, '');
      return `${e.kind}/${e.reason}`;
    };
    expect(kind('isv.BUSINESS_LIMIT_CONTROL')).toBe('limit/SMS_PROVIDER_LIMIT');
    expect(kind('isv.MOBILE_NUMBER_ILLEGAL')).toBe('final/INVALID_ADDRESS');
    expect(kind('isv.SMS_TEMPLATE_ILLEGAL')).toBe('final/SMS_REJECTED');
    expect(kind('isv.TEMPLATE_MISSING_PARAMETERS')).toBe('final/SMS_REJECTED');
    expect(kind('isv.AMOUNT_NOT_ENOUGH')).toBe('retry/SMS_PROVIDER_ERROR');
    expect(kind('isv.DAY_LIMIT_CONTROL')).toBe('retry/SMS_PROVIDER_ERROR');
    expect(kind('isp.SYSTEM_ERROR')).toBe('retry/SMS_PROVIDER_ERROR');
    expect(kind('Throttling.User', 400)).toBe('retry/SMS_PROVIDER_ERROR');
    expect(kind('SignatureDoesNotMatch', 400)).toBe('retry/SMS_PROVIDER_ERROR');
    expect(kind('ServiceUnavailable', 503)).toBe('retry/SMS_PROVIDER_ERROR');
    expect(kind('MissingPhoneNumbers', 400)).toBe('final/SMS_REJECTED');
    expect(classifyAliyunError('isp.SYSTEM_ERROR', 200, 'x')).toBeInstanceOf(DeliveryError);
  });

  it('reads the delivery receipts Aliyun pushes (SmsReport), keyed by our out-id', () => {
    const provider = new AliyunSmsProvider({ accessKeyId: 'id', accessKeySecret: 'secret' });
    const receipts = provider.parseReceipts([
      {
        phone_number: '13800000000',
        send_time: '2017-01-01 00:00:00',
        report_time: '2017-01-01 00:00:05',
        success: true,
        err_code: 'DELIVERED',
        err_msg: '用户接收成功',
        sms_size: '1',
        biz_id: '12345',
        out_id: '67890',
      },
      { phone_number: '13900000000', report_time: 'later', success: false, err_code: 'MK:0001', err_msg: '', biz_id: '2', out_id: '' },
    ]);
    expect(receipts).toEqual([
      { outId: '67890', providerMessageId: '12345', delivered: true, code: 'DELIVERED', message: '用户接收成功', reportedAt: new Date('2016-12-31T16:00:05Z') },
      { outId: null, providerMessageId: '2', delivered: false, code: 'MK:0001', message: null, reportedAt: null },
    ]);
    expect(() => provider.parseReceipts({ success: true })).toThrow(/array/);
    expect(() => provider.parseReceipts([{ out_id: 'x' }])).toThrow(/success/);
  });
});
