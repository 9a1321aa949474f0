namespace SceneFinance.Platform.Problems;

/// <summary>What is wrong with a field, so a page can say it in its own words (the API says <see cref="FieldError.Message"/>).</summary>
public enum FieldErrorKind
{
    /// <summary>Anything else: the message says what is expected (shown as it is).</summary>
    Invalid,

    /// <summary>Missing or blank.</summary>
    Required,

    /// <summary>Longer than <see cref="FieldError.Max"/> characters.</summary>
    TooLong,

    /// <summary>Not one of the allowed values.</summary>
    OneOf,

    /// <summary>Unique within its scope and taken already (a card number, an external id, a username).</summary>
    AlreadyInUse,
}

/// <summary>
/// One field's error: its kind (for pages, which translate by kind) and the contract's English message (for API clients,
/// in problem+json's <c>errors</c>, unchanged). <see cref="Max"/> is the limit of <see cref="FieldErrorKind.TooLong"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record FieldError([property: Id(0)] FieldErrorKind Kind, [property: Id(1)] string Message, [property: Id(2)] int? Max = null)
{
    public static FieldError Invalid(string message) => new(FieldErrorKind.Invalid, message);

    /// <summary>Field name to messages, as problem+json's <c>errors</c> carries them.</summary>
    public static Dictionary<string, string[]> Messages(Dictionary<string, FieldError[]> fields) =>
        fields.ToDictionary(f => f.Key, f => f.Value.Select(e => e.Message).ToArray());

    /// <summary>Messages without a kind (older code): each is <see cref="FieldErrorKind.Invalid"/>, said as it is.</summary>
    public static Dictionary<string, FieldError[]> Untyped(Dictionary<string, string[]> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.Select(Invalid).ToArray());
}
