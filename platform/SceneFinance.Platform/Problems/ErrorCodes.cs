namespace SceneFinance.Platform.Problems;

/// <summary>The machine-readable codes of the public contract (api-v1.md), and nothing else.</summary>
public static class ErrorCodes
{
    public const string ValidationFailed = "validation_failed";
    public const string IdempotencyKeyRequired = "idempotency_key_required";
    public const string IdempotencyConflict = "idempotency_conflict";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string Conflict = "conflict";
    public const string TenantSuspended = "tenant_suspended";
    public const string InsufficientFunds = "insufficient_funds";
    public const string CardFrozen = "card_frozen";
    public const string CardLost = "card_lost";
    public const string LimitExceeded = "limit_exceeded";
    public const string RiskRejected = "risk_rejected";
    public const string TerminalDisabled = "terminal_disabled";
    public const string SignatureInvalid = "signature_invalid";
    public const string RateLimited = "rate_limited";
}
