using SceneFinance.Scenes.Campus.CopyingSchools;
using Marten;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using SceneFinance.AdminUi.Campus;
using SceneFinance.AdminUi.BackOffice;
using SceneFinance.AdminUi.Components;
using SceneFinance.AdminUi.Exports;
using SceneFinance.AdminUi.Live;
using SceneFinance.AdminUi.Portal;
using SceneFinance.AdminUi.Shell;
using SceneFinance.AdminUi.Simulator;
using SceneFinance.Platform.Problems;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using SceneFinance.Tenants.SigningIn;
using SceneFinance.Tenants.Users;

namespace SceneFinance.AdminUi;

public static class Configuration
{
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    const string Selector = "sf-auth";
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The Blazor admin shell (cookie sign-in) beside the API (bearer tokens): one policy scheme picks by the Authorization header.</summary>
    public static IServiceCollection AddAdminUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, StampRevalidation>();
        services.AddMudServices();
        services.AddScoped<Text>();
        services.AddScoped<ShellEvents>();
        // The thresholds the cockpit and the risk page alert on come with a copied school.
        services.CopiedWithSchool<Live.AlertThresholds>("alertThresholds", Live.AlertThresholds.DocumentId);
        services.CopiedWithSchool<Risk.RiskAlertThresholds>("riskAlertThresholds", Risk.RiskAlertThresholds.DocumentId);
        // Only the dashboard hub: Blazor's own circuit hub must not meet this filter.
        services.AddSignalR().AddHubOptions<DashboardHub>(o => o.AddFilter<DashboardAccess>());
        services.AddSingleton<LiveFigures>();
        services.AddSingleton<LiveLabels>();
        services.AddSingleton(sp => new LiveFeed<Figures>(sp.GetRequiredService<LiveFigures>().Snapshot, sp.GetRequiredService<LiveLabels>(), sp.GetRequiredService<ILogger<LiveFeed<Figures>>>()));
        services.AddSingleton(sp => new LiveFeed<Risk.RiskSnapshot>(sp.GetRequiredService<Risk.RiskFigures>().Snapshot, sp.GetRequiredService<LiveLabels>(), sp.GetRequiredService<ILogger<LiveFeed<Risk.RiskSnapshot>>>()));
        // One follower of committed events; each live panel reads the types it wants from it.
        services.AddSingleton<CommittedPayments>().AddSingleton<ILiveReader>(sp => sp.GetRequiredService<CommittedPayments>());
        services.AddSingleton<Risk.RiskFigures>().AddSingleton<Risk.RiskLive>().AddSingleton<ILiveReader>(sp => sp.GetRequiredService<Risk.RiskLive>());
        services.AddHostedService<CommittedEvents>();
        // Registered so the owner creates their tables at startup: the product's store creates none online.
        services.ConfigureMarten(opts =>
        {
            opts.Schema.For<AlertThresholds>();
            opts.Schema.For<Risk.RiskAlertThresholds>();
        });
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = Selector;
                o.DefaultChallengeScheme = Selector;
            })
            .AddCookie(CookieScheme, o =>
            {
                o.LoginPath = "/login";
                o.Cookie.Name = "sf.admin";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                // An idle timeout: a shell left alone for this long asks for the password again (each request slides it).
                o.ExpireTimeSpan = IdleTimeout;
                o.SlidingExpiration = true;
            })
            // The API is for tokens only (a cookie there would invite cross-site requests); pages use the cookie.
            .AddPolicyScheme(Selector, Selector, o => o.ForwardDefaultSelector = http =>
                http.Request.Path.StartsWithSegments("/api") || http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? BearerTokenDefaults.AuthenticationScheme
                    : CookieScheme);
        return services;
    }

    // Only paths of this site: "/x" but not "//host" or "/\\host".
    static bool IsLocal(string url) => url.StartsWith('/') && !url.StartsWith("//") && !url.StartsWith("/\\");

    public static WebApplication MapAdminUi(this WebApplication app)
    {
        app.MapPost("/admin/login", async (HttpContext http, SignInCheck check) =>
        {
            // A form left open too long (or from another site) asks for a fresh one, not an error page.
            if (http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false } || !http.Request.HasFormContentType) return Results.LocalRedirect("/login?error=expired");
            var form = await http.Request.ReadFormAsync();
            try
            {
                var address = http.Connection.RemoteIpAddress?.ToString();
                var user = await check.Verify(form["username"].ToString(), form["password"].ToString(), address);
                await http.SignInAsync(CookieScheme, IssueToken.Principal(user, CookieScheme, address));
                var returnUrl = form["returnUrl"].ToString();
                if (user.MustChangePassword) return Results.LocalRedirect("/account/password?required=true");
                return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl : "/");
            }
            catch (ProblemException e)
            {
                return Results.LocalRedirect(e.Code == ErrorCodes.RateLimited ? "/login?error=throttled" : "/login?error=1");
            }
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).AllowAnonymous().ExcludeFromDescription();
        // The shell's own password form (a cookie is renewed here, which a page cannot do): the same slice as the API's.
        app.MapPost("/admin/password", async (HttpContext http, IDocumentStore store, IPasswordHasher<UserAccount> hasher, IConfiguration configuration,
            TimeProvider clock) =>
        {
            if (http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false }) return Results.LocalRedirect("/account/password?error=expired");
            var form = await http.Request.ReadFormAsync();
            if (form["newPassword"].ToString() != form["confirmPassword"].ToString()) return Results.LocalRedirect("/account/password?error=mismatch");
            try
            {
                var changed = await ManageUsers.ChangeOwnPassword(http.User, store, hasher, configuration,
                    new ChangePasswordRequest(form["currentPassword"].ToString(), form["newPassword"].ToString()), clock.GetUtcNow());
                if (changed.Refusal is not null) return Results.LocalRedirect("/account/password?error=wrong");
            }
            catch (ProblemException e)
            {
                return Results.LocalRedirect(e.Code == ErrorCodes.Unauthorized ? "/login" : "/account/password?error=invalid");
            }
            await using var session = store.QuerySession();
            var account = await session.LoadAsync<UserAccount>(UserAccount.IdFor(http.User.Identity!.Name!));
            await http.SignInAsync(CookieScheme, IssueToken.Principal(account!, CookieScheme, http.Connection.RemoteIpAddress?.ToString()));
            return Results.LocalRedirect("/account/password?changed=true");
        }).RequireAuthorization().WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();
        app.MapPost("/admin/logout", async (HttpContext http) =>
        {
            if (http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false }) return Results.LocalRedirect("/");
            await http.SignOutAsync(CookieScheme);
            return Results.LocalRedirect("/login");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();
        // The language is a preference, not a secret: a plain cookie for a year, then back where the person was.
        app.MapGet("/admin/language/{language}", (string language, string? returnUrl, HttpContext http) =>
        {
            http.Response.Cookies.Append(Text.Cookie, Text.Normalize(language),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), SameSite = SameSiteMode.Lax, HttpOnly = true, IsEssential = true });
            return Results.LocalRedirect(returnUrl is not null && IsLocal(returnUrl) ? returnUrl : "/");
        }).AllowAnonymous().ExcludeFromDescription();
        app.MapSpreadsheets();
        app.MapCampusPages();
        Canteen.CanteenSpreadsheets.MapCanteenSpreadsheets(app);
        app.MapPortalSignIn();
        PatientView.PatientSpreadsheets.MapPatientSpreadsheets(app);
        app.MapMessageSimulator();
        Risk.RiskExports.MapRiskExports(app);
        app.MapBackOfficeExports();
        Approvals.ApprovalExports.MapApprovalExports(app);
        CardHolders.CounterTopUpExports.MapCounterTopUpExports(app);
        app.MapStaticAssets().AllowAnonymous();
        // Pages say who may see them ([Authorize], or [AllowAnonymous] for sign-in, kiosk and portal pages); Blazor's own
        // endpoints (the circuit's hub, its scripts) serve every page, so they are open and the page's check stays the gate.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode()
            .Add(e => { if (!e.Metadata.OfType<ComponentTypeMetadata>().Any()) e.Metadata.Add(new Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute()); });
        // For clients outside this server (a wall screen); the shell's own pages follow the figures in-process (LiveFeed).
        app.MapHub<DashboardHub>("/hubs/dashboard").RequireAuthorization().ExcludeFromDescription();
        return app;
    }
}
