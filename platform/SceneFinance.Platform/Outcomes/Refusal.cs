using SceneFinance.Platform.Problems;

namespace SceneFinance.Platform.Outcomes;

/// <summary>What kind of "no" a refusal is. The edge turns it into a status code; nothing inside needs one.</summary>
public enum RefusalKind { Invalid, NotFound, Conflict, Forbidden, Unauthorized, Unavailable, TooManyRequests }

/// <summary>
/// A decision not to do what was asked, with the contract's <see cref="Code"/> and a reason a person can read.
/// Deciders and grains return it; routes make problem+json of it and pages a message. Nothing moved.
/// <see cref="Errors"/> is what the API shows per field; <see cref="Fields"/> the same with each error's kind, for pages
/// (absent: every error is <see cref="FieldErrorKind.Invalid"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Refusal(
    [property: Id(0)] RefusalKind Kind,
    [property: Id(1)] string Code,
    [property: Id(2)] string Detail,
    [property: Id(3)] Dictionary<string, string[]>? Errors = null,
    [property: Id(4)] Dictionary<string, FieldError[]>? Fields = null)
{
    public static Refusal NotFound(string what) => new(RefusalKind.NotFound, ErrorCodes.NotFound, $"{what} was not found.");

    public static Refusal Conflict(string detail, string code = ErrorCodes.Conflict) => new(RefusalKind.Conflict, code, detail);

    /// <summary>A conflict on one field (a card number or external id already taken).</summary>
    public static Refusal Taken(string field, string detail, string message = "already in use") =>
        new(RefusalKind.Conflict, ErrorCodes.Conflict, detail, new() { [field] = [message] },
            new() { [field] = [new FieldError(FieldErrorKind.AlreadyInUse, message)] });

    public static Refusal Invalid(string field, string message) =>
        new(RefusalKind.Invalid, ErrorCodes.ValidationFailed, "The request is not valid.", new() { [field] = [message] });

    public static Refusal Forbidden(string detail, string code = ErrorCodes.Forbidden) => new(RefusalKind.Forbidden, code, detail);

    public static Refusal Suspended() => new(RefusalKind.Conflict, ErrorCodes.TenantSuspended, "The tenant is suspended.");

    public static Refusal Unavailable(string code, string detail) => new(RefusalKind.Unavailable, code, detail);

    /// <summary>A reused idempotency key with a different request: nothing was moved.</summary>
    public static readonly Refusal IdempotencyConflict = new(RefusalKind.Conflict, ErrorCodes.IdempotencyConflict,
        "This Idempotency-Key was already used with a different request; nothing was moved.");

    /// <summary>This refusal as the outcome of something that answers <typeparamref name="T"/>.</summary>
    public Outcome<T> ToOutcome<T>() => this;

    /// <summary>Another writer changed the same thing meanwhile and retrying did not get through.</summary>
    public static readonly Refusal ChangedMeanwhile = new(RefusalKind.Conflict, ErrorCodes.Conflict, "This was changed meanwhile; try again.");
}
