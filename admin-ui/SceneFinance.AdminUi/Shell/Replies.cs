using System.Text.Json;
using SceneFinance.Platform.Idempotency;
using SceneFinance.Platform.Problems;

namespace SceneFinance.AdminUi.Shell;

/// <summary>
/// Transitional: a stored <see cref="Reply"/> that is a problem, for the pages still given replies (online payments, the
/// hospital's). It parses JSON it produced itself, so it goes once their slices answer typed outcomes.
/// </summary>
public static class Replies
{
    /// <summary>A stored answer that is a problem (a key used for a different request): shown like any other problem.</summary>
    public static ProblemException ToProblem(this Reply reply)
    {
        using var doc = JsonDocument.Parse(reply.Json);
        var root = doc.RootElement;
        return new(reply.Status, root.TryGetProperty("code", out var c) ? c.GetString() ?? "" : "", root.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "");
    }
}
