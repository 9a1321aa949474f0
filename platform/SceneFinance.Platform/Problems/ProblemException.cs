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
    [Id(2)] public Dictionary<string, string[]>? Errors { get; }

    public ProblemException(int status, string code, string detail, Dictionary<string, string[]>? errors = null)
        : base(detail)
    {
        Status = status;
        Code = code;
        Errors = errors;
    }

    public static ProblemException NotFound(string what) => new(404, ErrorCodes.NotFound, $"{what} was not found.");
    public static ProblemException Conflict(string detail) => new(409, ErrorCodes.Conflict, detail);
    public static ProblemException Suspended() => new(409, ErrorCodes.TenantSuspended, "The tenant is suspended.");
    public static ProblemException Invalid(string field, string message) =>
        new(400, ErrorCodes.ValidationFailed, "The request is not valid.", new() { [field] = [message] });
    public static ProblemException Invalid(Dictionary<string, string[]> errors) =>
        new(400, ErrorCodes.ValidationFailed, "The request is not valid.", errors);
}
