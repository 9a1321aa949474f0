using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;

namespace SceneFinance.Scenes.Campus.ImportingRosters;

public static class RosterImportEndpoints
{
    const long MaxFileBytes = 20 * 1024 * 1024;

    /// <summary>
    /// <c>POST /tenants/{t}/campus/roster-imports</c> (multipart <c>file</c>, or the raw .xlsx/.csv body) → <c>202</c> the import, running;
    /// <c>GET .../roster-imports/{id}</c> its progress and counts; <c>GET .../roster-imports/{id}/rejected.xlsx</c> the refused rows with a reason.
    /// </summary>
    public static void MapRosterImports(this IEndpointRouteBuilder api)
    {
        var imports = api.MapGroup("/tenants/{tenantId}/campus/roster-imports").WithTags("Campus");

        imports.MapPost("", async (string tenantId, string? fileName, HttpContext http, IGrainFactory grains, RosterImporter importer) =>
        {
            http.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
            await grains.FindTenant(tenantId).OrThrow();
            var (name, content) = await ReadFile(http, fileName);
            var import = await importer.Start(tenantId, name, content, http.UserName());
            return Results.Json(import.View(tenantId), statusCode: 202);
        }).DisableAntiforgery().WithSummary("Import a roster of students and guardians (.xlsx or .csv)");

        imports.MapGet("/{importId}", async (string tenantId, string importId, HttpContext http, IDocumentStore store) =>
        {
            http.RequireTenantAccess(tenantId, CampusAccess.Staff);
            return Results.Json((await Load(store, tenantId, importId)).View(tenantId));
        });

        imports.MapGet("/{importId}/rejected.xlsx", async (string tenantId, string importId, HttpContext http, IDocumentStore store) =>
        {
            http.RequireTenantAccess(tenantId, CampusAccess.Staff);
            var import = await Load(store, tenantId, importId);
            return Xlsx.File(RosterFile.RejectedWorkbook(import.Rejected), $"rejected-{import.Id}.xlsx");
        });
    }

    static async Task<RosterImport> Load(IDocumentStore store, string tenantId, string importId)
    {
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<RosterImport>(importId) ?? throw ProblemException.NotFound("The import");
    }

    static async Task<(string Name, byte[] Content)> ReadFile(HttpContext http, string? fileName)
    {
        if (http.Request.ContentLength > MaxFileBytes) throw ProblemException.Invalid("file", "The file is larger than 20 MB.");
        using var buffer = new MemoryStream();
        string name;
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync();
            var file = form.Files.GetFile("file") ?? throw ProblemException.Invalid("file", "Send the roster as the form field 'file'.");
            await file.CopyToAsync(buffer);
            name = file.FileName;
        }
        else
        {
            await http.Request.Body.CopyToAsync(buffer);
            name = fileName ?? "roster";
        }
        if (buffer.Length == 0) throw ProblemException.Invalid("file", "The file is empty.");
        if (buffer.Length > MaxFileBytes) throw ProblemException.Invalid("file", "The file is larger than 20 MB.");
        return (Path.GetFileName(name), buffer.ToArray());
    }
}
