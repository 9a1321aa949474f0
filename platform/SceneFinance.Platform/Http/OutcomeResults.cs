using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using SceneFinance.Platform.Outcomes;
using SceneFinance.Platform.Problems;

namespace SceneFinance.Platform.Http;

/// <summary>
/// The edge: the one place a grain's <see cref="Outcome{T}"/> or <see cref="Refusal"/> becomes a status code and problem+json.
/// Routes return the typed results (which also describe themselves to the OpenAPI document); slices that are themselves
/// the edge (shared by routes and pages) may throw a refusal as a <see cref="ProblemException"/>.
/// </summary>
public static class OutcomeResults
{
    public static int StatusOf(RefusalKind kind) => kind switch
    {
        RefusalKind.Invalid => StatusCodes.Status400BadRequest,
        RefusalKind.Unauthorized => StatusCodes.Status401Unauthorized,
        RefusalKind.Forbidden => StatusCodes.Status403Forbidden,
        RefusalKind.NotFound => StatusCodes.Status404NotFound,
        RefusalKind.Conflict => StatusCodes.Status409Conflict,
        RefusalKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
        RefusalKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static ProblemException ToException(this Refusal r) =>
        r.Fields is { } fields ? ProblemException.WithFields(StatusOf(r.Kind), r.Code, r.Detail, fields) : new(StatusOf(r.Kind), r.Code, r.Detail, r.Errors);

    public static ProblemHttpResult ToProblem(this Refusal r) => r.ToException().ToResult();

    /// <summary>The value, or the refusal thrown as the edge's problem.</summary>
    public static T OrThrow<T>(this Outcome<T> outcome) => outcome.Refusal is { } r ? throw r.ToException() : outcome.Value!;

    public static async Task<T> OrThrow<T>(this Task<Outcome<T>> outcome) => (await outcome).OrThrow();

    public static Results<Ok<T>, ProblemHttpResult> ToOk<T>(this Outcome<T> outcome) =>
        outcome.Refusal is { } r ? r.ToProblem() : TypedResults.Ok(outcome.Value!);

    public static Results<Created<T>, ProblemHttpResult> ToCreated<T>(this Outcome<T> outcome, Func<T, string> location) =>
        outcome.Refusal is { } r ? r.ToProblem() : TypedResults.Created(location(outcome.Value!), outcome.Value!);
}
