namespace SceneFinance.Platform.Problems;

/// <summary>
/// A failure the client must hear about as problem+json. Thrown from handlers and grains (Orleans
/// carries it across the grain boundary), mapped once by <see cref="ProblemMapping"/>.
/// </summary>
[GenerateSerializer]
public sealed class ProblemException : Exception
{
    [Id(0)] public int Status { get; }
    [Id(1)] public string Code { get; }

    /// <summary>Field name to messages: problem+json's <c>errors</c>, as the contract shows it.</summary>
    [Id(2)] public Dictionary<string, string[]>? Errors { get; }

    /// <summary>The same fields with each error's kind, for pages (never serialized to the API).</summary>
    [Id(3)] public Dictionary<string, FieldError[]>? Fields { get; }

    public ProblemException(int status, string code, string detail, Dictionary<string, string[]>? errors = null)
        : this(status, code, detail, errors, errors is null ? null : FieldError.Untyped(errors))
    {
    }

    ProblemException(int status, string code, string detail, Dictionary<string, string[]>? errors, Dictionary<string, FieldError[]>? fields)
        : base(detail)
    {
        Status = status;
        Code = code;
        Errors = errors;
        Fields = fields;
    }

    /// <summary>A problem with typed field errors (each with its kind); its <see cref="Errors"/> are their messages.</summary>
    public static ProblemException WithFields(int status, string code, string detail, Dictionary<string, FieldError[]> fields) =>
        new(status, code, detail, FieldError.Messages(fields), fields);

    public static ProblemException NotFound(string what) => new(404, ErrorCodes.NotFound, $"{what} was not found.");
    public static ProblemException Conflict(string detail) => new(409, ErrorCodes.Conflict, detail);
    public static ProblemException Suspended() => new(409, ErrorCodes.TenantSuspended, "The tenant is suspended.");
    public static ProblemException Invalid(string field, string message) =>
        new(400, ErrorCodes.ValidationFailed, "The request is not valid.", new Dictionary<string, string[]> { [field] = [message] });
    public static ProblemException Invalid(Dictionary<string, string[]> errors) =>
        new(400, ErrorCodes.ValidationFailed, "The request is not valid.", errors);
    public static ProblemException Invalid(Dictionary<string, FieldError[]> fields) =>
        WithFields(400, ErrorCodes.ValidationFailed, "The request is not valid.", fields);
}
