using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace SceneFinance.Platform.Http;

/// <summary>How a route authenticates its caller, for the OpenAPI document (and read by the access tests).</summary>
public enum CallerKind
{
    /// <summary>A person with a bearer token (the default under <c>/api/v1</c>).</summary>
    Person,

    /// <summary>A terminal signing with <c>X-Terminal-Id</c>, <c>X-Timestamp</c>, <c>X-Signature</c>.</summary>
    Terminal,

    /// <summary>A system client (the HIS) signing with <c>X-Client-Id</c>, <c>X-Timestamp</c>, <c>X-Signature</c>.</summary>
    SystemClient,

    /// <summary>A payment channel, signing in its own format (checked by its adapter).</summary>
    Channel,

    /// <summary>Nobody in particular (signing in).</summary>
    Anyone,
}

public sealed record CallerMetadata(CallerKind Kind);

/// <summary>A money-moving route: it takes an <c>Idempotency-Key</c> header.</summary>
public sealed record IdempotentMetadata;

/// <summary>
/// The JSON body of a route that reads its body as bytes (a signed request: the signature covers the exact bytes). Documented
/// only: unlike <c>Accepts</c>, it does not make routing refuse a request for its content type, which signed routes never did.
/// </summary>
public sealed record SignedBodyMetadata(Type Type);

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) describes every API route as it behaves: an operation id, a summary and a
/// description, request and response schemas, each problem it can answer (with the contract's <c>code</c>), and how its
/// caller authenticates. Routes declare what only they know (<see cref="Doc"/>, <see cref="Problems"/>, <see cref="Caller"/>,
/// <see cref="Idempotent"/>); what follows from the conventions is added here once.
/// </summary>
public static class ApiDocs
{
    static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Auth"] = "Signing in: bearer tokens for people.",
        ["Tenants"] = "Tenants (schools, hospitals, canteen operators) and their users.",
        ["Card holders"] = "Card holders, their cards, purses and movements.",
        ["Terminals"] = "Merchant terminals (POS, kiosks, gates) and the payments they sign.",
        ["Ledger"] = "The double-entry ledger.",
        ["Gateway"] = "Online payments through payment channels: intents, refunds, notifications, statements.",
        ["Campus"] = "The campus scene: rosters, fee plans, bills, the parent portal, attendance.",
        ["Hospital"] = "The hospital scene: HIS orders, the self-pay kiosk, deposits, insurance, credit care, refunds.",
        ["Back office"] = "The bank's back office: day-end close, settlement to merchants and institutions, payouts, reconciliation.",
    };

    public static IServiceCollection AddApiDocs(this IServiceCollection services, IConfiguration configuration)
    {
        var server = configuration["SceneFinance:Gateway:PublicBaseUrl"]?.TrimEnd('/') is { Length: > 0 } url ? url : "http://127.0.0.1:5080";
        return services.AddOpenApi("v1", o =>
        {
            o.AddDocumentTransformer((doc, _, _) => Describe(doc, server));
            o.AddOperationTransformer(Conventions);
            o.AddSchemaTransformer((schema, context, _) =>
            {
                if (typeof(ProblemDetails).IsAssignableFrom(context.JsonTypeInfo.Type)) WithCode(schema);
                return Task.CompletedTask;
            });
        });
    }

    /// <summary>An operation id (camelCase verb first), a summary and a description (the summary unless more is said).</summary>
    public static RouteHandlerBuilder Doc(this RouteHandlerBuilder route, string operationId, string summary, string? description = null) =>
        route.WithName(operationId).WithSummary(summary).WithDescription(description ?? summary);

    /// <summary>The problems this route can answer beyond the conventions' (400 for a bad body, 401/403/404 for access).</summary>
    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses) route.ProducesProblem(status);
        return route;
    }

    /// <summary>
    /// How the route's caller authenticates. Anyone but a person (a signing terminal or system client, a channel, anyone signing
    /// in) passes the default-deny policy as anonymous: the route checks them itself (<see cref="Security.RequestSignature"/>,
    /// the channel's adapter), and its body is bounded to 64 KB (<see cref="InputBounds"/>). The route walk holds this list.
    /// </summary>
    public static TBuilder Caller<TBuilder>(this TBuilder route, CallerKind kind) where TBuilder : IEndpointConventionBuilder =>
        kind == CallerKind.Person
            ? route.WithMetadata(new CallerMetadata(kind))
            : route.WithMetadata(new CallerMetadata(kind), new Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute());

    /// <summary>The route's JSON body, read as bytes by the route itself (see <see cref="SignedBodyMetadata"/>).</summary>
    public static RouteHandlerBuilder SignedBody<T>(this RouteHandlerBuilder route) => route.WithMetadata(new SignedBodyMetadata(typeof(T)));

    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder route) =>
        route.WithMetadata(new IdempotentMetadata()).ProducesProblem(StatusCodes.Status409Conflict);

    static Task Describe(OpenApiDocument doc, string server)
    {
        doc.Info.Title = "SceneFinance API";
        doc.Info.Version = "v1";
        doc.Info.Description = "The public HTTP API of SceneFinance (api-v1.md): terminals, kiosks, parent apps and partner systems. "
            + "Money is integer fen; errors are application/problem+json with a machine-readable code; money-moving POSTs take an Idempotency-Key.";
        doc.Info.Contact = new OpenApiContact { Name = "SceneFinance", Email = "api@scenefinance.example" };
        doc.Servers = [new OpenApiServer { Url = server, Description = "This host" }];
        doc.Tags ??= new HashSet<OpenApiTag>();
        foreach (var tag in doc.Tags) tag.Description ??= TagDescriptions.GetValueOrDefault(tag.Name ?? "", $"{tag.Name} routes.");
        doc.Components ??= new OpenApiComponents();
        doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        doc.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer", Description = "A token from POST /api/v1/auth/token.",
        };
        foreach (var (name, header, what) in SignatureHeaders)
            doc.Components.SecuritySchemes[name] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = header, Description = what };
        return Task.CompletedTask;
    }

    static readonly (string Scheme, string Header, string What)[] SignatureHeaders =
    [
        ("terminalId", "X-Terminal-Id", "The signing terminal's id."),
        ("clientId", "X-Client-Id", "The signing system client's id (the HIS)."),
        ("timestamp", "X-Timestamp", "Unix seconds, within 300 s of server time."),
        ("signature", "X-Signature", "Lowercase hex HMAC-SHA256(secret, timestamp + \"\\n\" + METHOD + \"\\n\" + path + \"\\n\" + body)."),
    ];

    static async Task Conventions(OpenApiOperation op, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (op.RequestBody is null && metadata.OfType<SignedBodyMetadata>().LastOrDefault() is { } body)
            op.RequestBody = new OpenApiRequestBody
            {
                Required = true, Description = "JSON, signed byte for byte (X-Signature covers the exact body).",
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(body.Type, null, ct) } },
            };
        var kind = metadata.OfType<CallerMetadata>().LastOrDefault()?.Kind ?? CallerKind.Person;
        var path = context.Description.RelativePath ?? "";
        op.Responses ??= new OpenApiResponses();
        op.Security ??= new List<OpenApiSecurityRequirement>();
        OpenApiSecurityRequirement Requirement(params string[] schemes)
        {
            var requirement = new OpenApiSecurityRequirement();
            foreach (var s in schemes) requirement[new OpenApiSecuritySchemeReference(s, context.Document)] = [];
            return requirement;
        }
        switch (kind)
        {
            case CallerKind.Person:
                op.Security.Add(Requirement("bearer"));
                Problem(op, context, StatusCodes.Status401Unauthorized, "Not signed in (unauthorized).");
                Problem(op, context, StatusCodes.Status403Forbidden, "The caller's role may not do this (forbidden).");
                break;
            case CallerKind.Terminal:
                op.Security.Add(Requirement("terminalId", "timestamp", "signature"));
                SignatureV11(op);
                Problem(op, context, StatusCodes.Status401Unauthorized, "Unknown signer, stale timestamp, wrong signature or a replayed v1.1 nonce (signature_invalid).");
                break;
            case CallerKind.SystemClient:
                op.Security.Add(Requirement("clientId", "timestamp", "signature"));
                SignatureV11(op);
                Problem(op, context, StatusCodes.Status401Unauthorized, "Unknown signer, stale timestamp, wrong signature or a replayed v1.1 nonce (signature_invalid).");
                break;
            case CallerKind.Channel:
                Problem(op, context, StatusCodes.Status401Unauthorized, "A forged or stale notification (signature_invalid).");
                break;
        }
        // A route value the handler reads from the route rather than binding (a group's {tenantId}) is still a path parameter.
        foreach (var name in System.Text.RegularExpressions.Regex.Matches(path, @"\{([^}:?]+)[^}]*\}").Select(m => m.Groups[1].Value))
            if (op.Parameters?.Any(p => p.In == ParameterLocation.Path && p.Name == name) != true)
            {
                op.Parameters ??= new List<IOpenApiParameter>();
                op.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Path, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
            }
        if (path.Contains('{'))
            Problem(op, context, StatusCodes.Status404NotFound, "Not found, or another tenant's (not_found).");
        if (op.RequestBody is not null || op.Parameters?.Count > 0)
            Problem(op, context, StatusCodes.Status400BadRequest, "A field is not valid (validation_failed, with errors per field).");
        if (metadata.OfType<IdempotentMetadata>().Any())
        {
            op.Parameters ??= new List<IOpenApiParameter>();
            op.Parameters.Add(new OpenApiParameter
            {
                Name = "Idempotency-Key", In = ParameterLocation.Header, Required = true,
                Description = "1 to 128 visible ASCII characters. The same key and request replays the first answer; a different request conflicts.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 128 },
            });
            Problem(op, context, StatusCodes.Status400BadRequest, "A field is not valid (validation_failed) or the Idempotency-Key is missing (idempotency_key_required).");
            Problem(op, context, StatusCodes.Status409Conflict, "The Idempotency-Key was used for a different request (idempotency_conflict), or the state refuses it.");
        }
        foreach (var (status, response) in op.Responses)
            if (response is OpenApiResponse r && string.IsNullOrEmpty(r.Description)) r.Description = DefaultDescription(status);
    }

    /// <summary>Signature v1.1's optional headers (README, "Terminal signature v1.1").</summary>
    static void SignatureV11(OpenApiOperation op)
    {
        op.Parameters ??= new List<IOpenApiParameter>();
        op.Parameters.Add(new OpenApiParameter
        {
            Name = Security.RequestSignature.VersionHeader, In = ParameterLocation.Header, Required = false,
            Description = "1 (default) or 1.1: the signature also covers the Idempotency-Key and X-Nonce, and a replay is refused.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 3 },
        });
        op.Parameters.Add(new OpenApiParameter
        {
            Name = Security.RequestSignature.NonceHeader, In = ParameterLocation.Header, Required = false,
            Description = "With version 1.1: 16 to 64 letters, digits, '-' or '_', never sent twice by the same signer.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 16, MaxLength = 64 },
        });
    }

    static void Problem(OpenApiOperation op, OpenApiOperationTransformerContext context, int status, string description)
    {
        var key = status.ToString();
        if (op.Responses!.TryGetValue(key, out var existing))
        {
            if (existing is OpenApiResponse known && (string.IsNullOrEmpty(known.Description) || known.Description == DefaultDescription(key))) known.Description = description;
            return;
        }
        op.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(nameof(ProblemDetails), context.Document) },
            },
        };
    }

    static string DefaultDescription(string status) => status switch
    {
        "200" => "OK", "201" => "Created", "202" => "Accepted: waiting for a second person's approval", "204" => "No content",
        "400" => "A field is not valid (validation_failed).", "401" => "Not signed in (unauthorized).", "403" => "Forbidden.",
        "404" => "Not found (not_found).", "409" => "Conflict with the current state (conflict, or a more specific code).",
        "429" => "Too many requests (rate_limited).", "503" => "A dependency did not answer; try again.", _ => "Answer",
    };

    static void WithCode(OpenApiSchema schema)
    {
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The contract's machine-readable code." };
        schema.Properties["errors"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object, Description = "For validation_failed: field name to messages.",
            AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
        };
    }
}
