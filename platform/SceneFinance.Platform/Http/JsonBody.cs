using System.Text.Json;
using SceneFinance.Platform.Problems;

namespace SceneFinance.Platform.Http;

/// <summary>
/// Reads a body the route had to read as bytes first (a signed request: the signature covers the exact bytes). The one
/// parser for such bodies: anything that is not a JSON object of the route's shape is <c>validation_failed</c>.
/// </summary>
public static class JsonBody
{
    /// <summary>The contract's JSON, refusing control characters in text (<see cref="CleanText"/>).</summary>
    static readonly JsonSerializerOptions Inbound = CleanText.Guard(SceneJson.Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    public static T Parse<T>(ReadOnlySpan<byte> body) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, Inbound) ?? throw new JsonException();
        }
        catch (ControlCharacterException e)
        {
            throw e.ToProblem();
        }
        catch (JsonException)
        {
            throw ProblemException.Invalid("body", "The body must be a JSON object of this route's shape.");
        }
    }

    /// <summary>An empty body reads as <paramref name="empty"/> (routes whose body is optional).</summary>
    public static T Parse<T>(ReadOnlySpan<byte> body, T empty) where T : class => body.IsEmpty ? empty : Parse<T>(body);
}
