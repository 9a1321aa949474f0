using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using SceneFinance.Platform.Security;
using SceneFinance.Platform.Tenancy;

namespace SceneFinance.Platform.Audit;

/// <summary>
/// Writing the audit log (the one way): an entry goes into the same transaction as the change it records.
/// <list type="bullet">
/// <item>A stream's decision: <see cref="Storage.StreamWriter{TState}"/> adds <see cref="ForDecision"/> to its commit
/// whenever someone (<see cref="AuditActor.Current"/>) is acting, so every grain built on the kernel is covered.</item>
/// <item>A document overwritten in place (a setting, a status): <c>session.Audit(...)</c> before <c>SaveChangesAsync</c>.
/// Its before and after are the whole document's changed fields, so the entries are the document's history.</item>
/// </list>
/// Before and after hold only the fields that changed, as JSON, with personal data masked by field name (the platform's
/// <see cref="Masking"/>) and secrets and password hashes never shown.
/// </summary>
public static class AuditTrail
{
    const int MaxJson = 4000;

    /// <summary>The entry for a stream's decision: its events' names, the stream, the state's changed fields, the events' reason.</summary>
    public static AuditEntry ForDecision(AuditActor actor, string tenantId, string streamKey, IReadOnlyList<object> events, object? before, object? after) =>
        Entry(actor, tenantId, string.Join(", ", events.Select(e => e.GetType().Name).Distinct()), streamKey, before, after,
            events.Select(ReasonOf).FirstOrDefault(r => !string.IsNullOrWhiteSpace(r)));

    /// <summary>An entry by <paramref name="actor"/> (or whoever is acting now, or else the system).</summary>
    public static AuditEntry Entry(AuditActor? actor, string? tenantId, string action, string target, object? before, object? after, string? reason = null)
    {
        actor ??= AuditActor.Current ?? AuditActor.System("unknown");
        var (was, now) = Changes(before, after);
        return new AuditEntry
        {
            Id = Ids.New("au"), At = DateTimeOffset.UtcNow, ActorId = actor.Id, ActorRole = actor.Role, ActorTenantId = actor.TenantId,
            TenantId = tenantId, Action = action, Target = target, Before = was, After = now, Reason = reason, Ip = actor.Ip,
        };
    }

    /// <summary>Records an action in this session: it commits (or not) with the session's other changes.</summary>
    public static AuditEntry Audit(this IDocumentSession session, string? tenantId, string action, string target, object? before, object? after,
        string? reason = null, AuditActor? actor = null)
    {
        var entry = Entry(actor, tenantId, action, target, before, after, reason);
        session.Insert(entry);
        return entry;
    }

    /// <summary>The fields that differ between the two (each side masked), as JSON; a side that does not exist is null.</summary>
    public static (string? Before, string? After) Changes(object? before, object? after)
    {
        var (b, a) = (ToNode(before), ToNode(after));
        if (b is JsonObject bo && a is JsonObject ao)
        {
            var (was, now) = (new JsonObject(), new JsonObject());
            foreach (var key in bo.Select(p => p.Key).Union(ao.Select(p => p.Key)).ToList())
            {
                var (x, y) = (bo[key], ao[key]);
                if (JsonNode.DeepEquals(x, y)) continue;
                was[key] = x?.DeepClone();
                now[key] = y?.DeepClone();
            }
            return (Text(was), Text(now));
        }
        return (Text(b), Text(a));
    }

    static JsonNode? ToNode(object? value)
    {
        if (value is null) return null;
        try
        {
            var node = value is JsonNode n ? n.DeepClone() : JsonSerializer.SerializeToNode(value, value.GetType(), SceneJson.Options);
            return Mask(node, null);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return JsonValue.Create($"({value.GetType().Name})"); // a state JSON cannot express: named, never guessed at
        }
    }

    static string? Text(JsonNode? node)
    {
        if (node is null) return null;
        var text = node.ToJsonString(SceneJson.Options);
        return text.Length <= MaxJson ? text : text[..MaxJson] + "…";
    }

    /// <summary>Masks personal data and hides secrets, by field name, at any depth.</summary>
    static JsonNode? Mask(JsonNode? node, string? name)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var field in o.Select(p => p.Key).ToList()) o[field] = Mask(o[field]?.DeepClone(), field);
                return o;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) a[i] = Mask(a[i]?.DeepClone(), name);
                return a;
            case JsonValue v when name is not null && v.TryGetValue<string>(out var text):
                var key = name.ToLowerInvariant();
                if (key.Contains("password") || key.Contains("secret") || key.Contains("hash") || key.Contains("token") || key.Contains("stamp"))
                    return "***";
                if (key.Contains("phone")) return Masking.Phone(text);
                if (key.Contains("idnumber") || key.Contains("cardnumber") || key.Contains("accountnumber")) return Masking.KeepLast4(text);
                return v;
            default:
                return node;
        }
    }

    static string? ReasonOf(object e) =>
        e.GetType().GetProperty("Reason") is { } p && p.PropertyType == typeof(string) ? p.GetValue(e) as string : null;
}
