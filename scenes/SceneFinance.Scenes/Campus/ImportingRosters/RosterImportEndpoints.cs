using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using SceneFinance.Grains;
using SceneFinance.Platform.Exports;
using SceneFinance.Platform.Problems;
using SceneFinance.Platform.Security;
using SceneFinance.Scenes.Campus.Reporting;

namespace SceneFinance.Scenes.Campus.ImportingRosters;

public static class RosterImportEndpoints
{
    public const long MaxFileBytes = 20 * 1024 * 1024;

    public static void MapRosterImports(this IEndpointRouteBuilder api)
    {
        var imports = api.MapGroup("/tenants/{tenantId}/campus/roster-imports").WithTags("Campus");

        imports.MapPost("", async (string tenantId, string? fileName, HttpContext http, IGrainFactory grains, RosterImporter importer) =>
            {
                http.User.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
                var (name, content) = await ReadFile(http, fileName);
                return Accepted(await Start(http.User, grains, importer, tenantId, name, content), i => $"/api/v1/tenants/{tenantId}/campus/roster-imports/{i.Id}");
            })
            // No Accepts: it would make routing refuse bodies of any other declared type, which this route has always taken.
            .DisableAntiforgery()
            .BodyLimit(MaxFileBytes + 64 * 1024) // the file and its multipart envelope
            .Doc("importRoster", "Import a roster of students and guardians (.xlsx or .csv)",
                "202 the import, running in the background: follow it with getRosterImport. The multipart field file, or the raw file as the body (fileName in the query). "
                + "Columns by header, English or Chinese; student numbers must be text (a number cell has lost its leading zeros and is refused). At most 20 MB, "
                + "unpacking to at most 256 MB and 200 times its size.");

        imports.MapGet("/{importId}", async (string tenantId, string importId, HttpContext http, IDocumentStore store) =>
                (await Get(http.User, store, tenantId, importId)).Map(i => i.View(tenantId)).ToOk())
            .Doc("getRosterImport", "A roster import's progress and counts");

        imports.MapGet("/{importId}/rejected.xlsx", async (string tenantId, string importId, HttpContext http, IDocumentStore store) =>
                RejectedFile(await Get(http.User, store, tenantId, importId)))
            .Doc("getRosterImportRejectedRows", "The rows an import refused, as .xlsx: the cells as the file had them and a reason column")
            .Produces(StatusCodes.Status200OK, contentType: Xlsx.ContentType);
    }

    static Results<Accepted<T>, ProblemHttpResult> Accepted<T>(Outcome<T> outcome, Func<T, string> location) =>
        outcome.Refusal is { } r ? r.ToProblem() : TypedResults.Accepted(location(outcome.Value!), outcome.Value!);

    static Results<FileContentHttpResult, ProblemHttpResult> RejectedFile(Outcome<RosterImport> import) =>
        import.Refusal is { } r ? r.ToProblem() : TypedResults.File(RejectedXlsx(import.Value!, SheetWords.Bilingual), Xlsx.ContentType, $"rejected-{import.Value!.Id}.xlsx");

    /// <summary>Starts an import of the file (the API's upload and the import page's alike); its progress is told through <see cref="CampusNews"/>.</summary>
    public static async Task<Outcome<RosterImportView>> Start(ClaimsPrincipal user, IGrainFactory grains, RosterImporter importer, string tenantId, string fileName, byte[] content)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.FinanceOffice);
        if ((await grains.FindTenant(tenantId)).Refusal is { } missing) return missing;
        if (content.Length == 0) throw ProblemException.Invalid("file", "The file is empty.");
        if (content.Length > MaxFileBytes) throw ProblemException.Invalid("file", "The file is larger than 20 MB.");
        new Validation().Text(fileName, "fileName", 200).ThrowIfInvalid();
        Xlsx.RequireSafeArchive(content);
        return (await importer.Start(tenantId, Path.GetFileName(fileName), content, user.UserName())).View(tenantId);
    }

    public static async Task<Outcome<RosterImport>> Get(ClaimsPrincipal user, IDocumentStore store, string tenantId, string importId)
    {
        user.RequireTenantAccess(tenantId, CampusAccess.Staff);
        await using var session = store.QuerySession(tenantId);
        return await session.LoadAsync<RosterImport>(importId) is { } import ? import : Refusal.NotFound("The import");
    }

    /// <summary>The refused rows as .xlsx (no times in it, so no zone to speak of).</summary>
    public static byte[] RejectedXlsx(RosterImport import, SheetWords words) => CampusSheets.Rejected(import.Rejected, TimeZoneInfo.Utc, words);

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
        return (name, buffer.ToArray());
    }
}
