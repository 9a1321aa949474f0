namespace SceneFinance.Platform.Problems;

/// <summary>
/// Collects field errors, then throws one <c>validation_failed</c> problem with all of them. Each error has a kind
/// (<see cref="FieldErrorKind"/>) beside the contract's English message, so pages translate by kind, never by text.
/// </summary>
public sealed class Validation
{
    public const long MaxAmount = 100_000_000;
    readonly Dictionary<string, List<FieldError>> _errors = new();

    public Validation Require(bool ok, string field, string message) => Require(ok, field, FieldError.Invalid(message));

    public Validation Require(bool ok, string field, FieldError error)
    {
        if (!ok)
        {
            if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
            list.Add(error);
        }
        return this;
    }

    public Validation Text(string? value, string field, int max = 200) =>
        Require(!string.IsNullOrWhiteSpace(value), field, new FieldError(FieldErrorKind.Required, $"{field} is required."))
            .Require(value is null || value.Length <= max, field, new FieldError(FieldErrorKind.TooLong, $"{field} must be at most {max} characters.", max))
            .Require(value is null || CleanText.IsClean(value, FreeText(field)), field, CleanText.Message(field, FreeText(field)));

    // Free text (a reason, a note) may hold tabs and line breaks: the same fields as in request bodies.
    static bool FreeText(string field) => CleanText.FreeTextFields.Contains(field);

    public Validation Amount(long? amount, string field = "amount") =>
        Require(amount is > 0 and <= MaxAmount, field, $"{field} must be an integer number of fen, greater than 0 and at most {MaxAmount}.");

    /// <summary>A day as <c>yyyy-MM-dd</c>; an absent one passes when <paramref name="optional"/>.</summary>
    public Validation Date(string? value, string field, bool optional = false) =>
        Require((optional && value is null) || TryDay(value, out _), field, $"{field} must be yyyy-MM-dd.");

    /// <summary>How every day the API takes is read: <c>yyyy-MM-dd</c>, in no culture's way but the ISO one.</summary>
    public static bool TryDay(string? value, out DateOnly day) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out day);

    public Validation OneOf(string? value, string field, params string[] allowed) =>
        Require(value is not null && allowed.Contains(value), field, new FieldError(FieldErrorKind.OneOf, $"{field} must be one of: {string.Join(", ", allowed)}."));

    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0)
            throw ProblemException.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }
}
