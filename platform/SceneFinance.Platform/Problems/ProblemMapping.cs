using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SceneFinance.Platform.Problems;

/// <summary>
/// Every failure leaves as RFC 9457 problem+json with a contract <c>code</c>; unexpected ones
/// become a bare 500 without a stack trace (logged on our side with a trace id).
/// </summary>
public static class ProblemMapping
{
    public static IServiceCollection AddProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Extensions.Remove("exception");
            if (ctx.ProblemDetails.Status == 415)
            {
                // The framework answers a non-JSON body itself; the contract calls that a validation error.
                ctx.HttpContext.Response.StatusCode = 400;
                ctx.ProblemDetails.Status = 400;
                ctx.ProblemDetails.Type = "https://scenefinance.example/problems/validation-failed";
                ctx.ProblemDetails.Title = "One or more fields are not valid.";
                ctx.ProblemDetails.Detail = "Send the body as application/json.";
                ctx.ProblemDetails.Extensions["code"] = ErrorCodes.ValidationFailed;
                ctx.ProblemDetails.Extensions["errors"] = new Dictionary<string, string[]> { ["body"] = ["The content type must be application/json."] };
            }
            ctx.ProblemDetails.Detail ??= ctx.ProblemDetails.Title;
            ctx.ProblemDetails.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier;
            if (!ctx.ProblemDetails.Extensions.ContainsKey("code"))
                ctx.ProblemDetails.Extensions["code"] = CodeFor(ctx.ProblemDetails.Status ?? 500);
        });
        services.AddExceptionHandler<Handler>();
        return services;
    }

    public static string CodeFor(int status) => status switch
    {
        400 or 413 or 415 => ErrorCodes.ValidationFailed,
        401 => ErrorCodes.Unauthorized,
        403 => ErrorCodes.Forbidden,
        404 => ErrorCodes.NotFound,
        405 => ErrorCodes.NotFound,
        409 => ErrorCodes.Conflict,
        429 => ErrorCodes.RateLimited,
        _ => "internal_error",
    };

    public static ProblemDetails ToProblem(this ProblemException e)
    {
        var p = new ProblemDetails
        {
            Status = e.Status,
            Title = TitleFor(e.Code),
            Detail = e.Message,
            Type = $"https://scenefinance.example/problems/{e.Code.Replace('_', '-')}",
        };
        p.Extensions["code"] = e.Code;
        if (e.Errors is not null) p.Extensions["errors"] = e.Errors;
        return p;
    }

    public static ProblemHttpResult ToResult(this ProblemException e) => TypedResults.Problem(e.ToProblem());

    static string TitleFor(string code) => code switch
    {
        ErrorCodes.ValidationFailed => "One or more fields are not valid.",
        ErrorCodes.IdempotencyKeyRequired => "An Idempotency-Key header is required.",
        ErrorCodes.IdempotencyConflict => "This Idempotency-Key was used for a different request.",
        ErrorCodes.Unauthorized => "Authentication is required.",
        ErrorCodes.Forbidden => "You may not do this.",
        ErrorCodes.NotFound => "Not found.",
        ErrorCodes.Conflict => "Conflict with the current state.",
        ErrorCodes.TenantSuspended => "The tenant is suspended.",
        ErrorCodes.SignatureInvalid => "The request signature is not valid.",
        ErrorCodes.RateLimited => "Too many requests.",
        _ => "The request failed.",
    };

    // Only JSON failures are the body's: a BadHttpRequestException without an inner JsonException is about a parameter.
    static bool IsBody(Exception e) => e is JsonException || e.InnerException is JsonException;

    sealed class Handler(IProblemDetailsService problems, ILogger<Handler> log) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
        {
            var problem = exception switch
            {
                ProblemException p => p,
                BadHttpRequestException { StatusCode: 415 } =>
                    new ProblemException(400, ErrorCodes.ValidationFailed, "Send the body as application/json.",
                        new() { ["body"] = ["The content type must be application/json."] }),
                BadHttpRequestException { StatusCode: 413 } => Http.InputBounds.TooLarge(http.GetEndpoint() is var e ? Http.InputBounds.LimitFor(e) : 0),
                ControlCharacterException c => c.ToProblem(),
                BadHttpRequestException { InnerException: ControlCharacterException c } => c.ToProblem(),
                BadHttpRequestException { InnerException: JsonException or null } or JsonException when IsBody(exception) =>
                    new ProblemException(400, ErrorCodes.ValidationFailed, "The request body is not valid JSON for this route.",
                        new() { ["body"] = ["The request body could not be read."] }),
                // A required query or route value missing or of the wrong shape: the framework's own words name the parameter.
                BadHttpRequestException b =>
                    new ProblemException(400, ErrorCodes.ValidationFailed, b.Message, new() { ["request"] = [b.Message] }),
                _ => null,
            };
            if (problem is null)
            {
                log.LogError(exception, "Unhandled failure on {Method} {Path} ({TraceId})", http.Request.Method, http.Request.Path, http.TraceIdentifier);
                return false; // the default handler writes a 500 problem without details
            }
            http.Response.StatusCode = problem.Status;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem.ToProblem(), Exception = null });
        }
    }
}
