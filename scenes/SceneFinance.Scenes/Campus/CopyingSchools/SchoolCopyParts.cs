using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace SceneFinance.Scenes.Campus.CopyingSchools;

/// <summary>
/// A tenant setting another module keeps (the cockpit's alert thresholds live in the admin shell, which this module cannot see):
/// the module registers it with <see cref="SchoolCopyParts.CopiedWithSchool{T}"/> and a school copy carries it over. Settings only:
/// never money, never people.
/// </summary>
public interface ISchoolCopyPart
{
    /// <summary>What the copy's answer calls it (<c>alertThresholds</c>).</summary>
    string Name { get; }

    /// <summary>Copies the setting from the template to the new school; false when the template never set it (the default stands).</summary>
    Task<bool> Copy(IDocumentStore store, string sourceId, string targetId, CancellationToken ct = default);
}

public static class SchoolCopyParts
{
    /// <summary>A per-tenant settings document (id <paramref name="documentId"/>) that a new school takes from its template as it is.</summary>
    public static IServiceCollection CopiedWithSchool<T>(this IServiceCollection services, string name, string documentId) where T : class =>
        services.AddSingleton<ISchoolCopyPart>(new SettingsDocument<T>(name, documentId));

    sealed class SettingsDocument<T>(string name, string documentId) : ISchoolCopyPart where T : class
    {
        public string Name => name;

        public async Task<bool> Copy(IDocumentStore store, string sourceId, string targetId, CancellationToken ct)
        {
            T? settings;
            await using (var read = store.QuerySession(sourceId))
                settings = await read.LoadAsync<T>(documentId, ct);
            if (settings is null) return false;
            await using var write = store.LightweightSession(targetId);
            write.Store(settings);
            await write.SaveChangesAsync(ct);
            return true;
        }
    }
}
