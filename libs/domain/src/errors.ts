/** A rule violation with a stable code and a Chinese message for the user. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status the transport should answer with. */
    readonly status: number = 400,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what = '记录') => new DomainError('NOT_FOUND', `${what}不存在或无权访问`, 404);
export const forbidden = () => new DomainError('FORBIDDEN', '无权执行此操作', 403);
