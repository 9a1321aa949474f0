using System.Security.Claims;
using Orleans.Runtime;
using SceneFinance.Platform.Security;

namespace SceneFinance.Platform.Audit;

/// <summary>
/// Who is acting: a person (their username, role and tenant) or the system (<c>system:{job}</c>), and from which address.
/// It is ambient: the edge sets it once per request (or per shell action), and it travels with every grain call made on
/// that person's behalf (Orleans' <see cref="RequestContext"/>), so a <see cref="Storage.StreamWriter{TState}"/> deep in a
/// grain records who decided, in the same commit, without any command having to carry it.
/// </summary>
public sealed record AuditActor(string Id, string Role, string? TenantId, string? Ip)
{
    const string IdKey = "sf.actor", RoleKey = "sf.actor.role", TenantKey = "sf.actor.tenant", IpKey = "sf.actor.ip";

    /// <summary>The address a person signed in from, kept in the shell's cookie (a page's action has no request of its own).</summary>
    public const string IpClaim = "sf:ip";

    /// <summary>The acting person or job, or null (a terminal's tap, a channel's notification: they are their own record).</summary>
    public static AuditActor? Current =>
        RequestContext.Get(IdKey) is string id
            ? new AuditActor(id, RequestContext.Get(RoleKey) as string ?? "", RequestContext.Get(TenantKey) as string, RequestContext.Get(IpKey) as string)
            : null;

    /// <summary>The signed-in person, from their claims; <paramref name="ip"/> when the request is at hand, else where they signed in from.</summary>
    public static AuditActor? Of(ClaimsPrincipal user, string? ip = null) =>
        user.Identity is { IsAuthenticated: true, Name: { } name }
            ? new AuditActor(name, user.FindFirstValue(ClaimTypes.Role) ?? "", user.FindFirstValue(Roles.TenantClaim), ip ?? user.FindFirstValue(IpClaim))
            : null;

    /// <summary>A job of the platform acting on its own (day-end, a janitor).</summary>
    public static AuditActor System(string job) => new($"system:{job}", "system", null, null);

    /// <summary>Acts as <paramref name="actor"/> until disposed (then whoever acted before does again).</summary>
    public static IDisposable Use(AuditActor? actor)
    {
        var before = Current;
        Set(actor);
        return new Restore(before);
    }

    static void Set(AuditActor? actor)
    {
        if (actor is null)
        {
            RequestContext.Remove(IdKey);
            RequestContext.Remove(RoleKey);
            RequestContext.Remove(TenantKey);
            RequestContext.Remove(IpKey);
            return;
        }
        RequestContext.Set(IdKey, actor.Id);
        RequestContext.Set(RoleKey, actor.Role);
        if (actor.TenantId is null) RequestContext.Remove(TenantKey); else RequestContext.Set(TenantKey, actor.TenantId);
        if (actor.Ip is null) RequestContext.Remove(IpKey); else RequestContext.Set(IpKey, actor.Ip);
    }

    sealed class Restore(AuditActor? before) : IDisposable
    {
        public void Dispose() => Set(before);
    }
}
