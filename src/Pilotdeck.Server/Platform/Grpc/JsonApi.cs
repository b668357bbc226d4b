using Google.Api;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.OpenApi.Models;

namespace Pilotdeck.Server.Platform.Grpc;

/// <summary>
/// The HTTP/JSON face of the same RPCs: <c>google.api.http</c> bindings in protos/ served by
/// JSON transcoding (same interceptors, so the same auth, validation and error reasons; an error
/// body is the google.rpc.Status as JSON), an OpenAPI document at <c>/openapi/v1.json</c> and a
/// browsable reference at <c>/docs/api</c>. The routes answer on every API endpoint: HTTP/2 on
/// the h2c gRPC port and HTTP/1.1 on <c>Pilotdeck:RestUrl</c> (see EndpointConfiguration).
/// </summary>
public static class JsonApi
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "docs/api";

    public static IServiceCollection AddPilotdeckJsonApi(this IServiceCollection services)
    {
        services.AddGrpcSwagger();
        services.AddSwaggerGen(swagger =>
        {
            swagger.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Pilotdeck API",
                Version = "v1",
                // Markdown: the reference page renders it, and would take a bare <token> for a tag.
                Description = "HTTP/JSON routes of the Pilotdeck gRPC API. Get a token with `POST /oauth2/token` (`client_credentials`) and send it as `Authorization: Bearer <token>`. "
                    + "A request is checked against its contract before it runs: an unknown field or query parameter is refused with the name it most likely meant.",
            });
            var bearer = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "bearer" },
            };
            swagger.CustomOperationIds(OperationIdOf);
            swagger.AddSecurityDefinition("bearer", bearer);
            swagger.AddSecurityRequirement(new OpenApiSecurityRequirement { [bearer] = [] });
            var contractDocs = Path.Combine(AppContext.BaseDirectory, "Pilotdeck.Contracts.xml");
            if (File.Exists(contractDocs))
            {
                // The first describes operations and services; the second, fields: the parameters and schemas.
                swagger.IncludeGrpcXmlComments(contractDocs, includeControllerXmlComments: true);
                swagger.IncludeXmlComments(contractDocs);
            }
        });
        return services;
    }

    /// <summary>
    /// "CohortsService_ListParticipants": client generators name their methods by it, and the
    /// reference page's links (#/CohortsService/CohortsService_ListParticipants) use it. A method's
    /// additional bindings get "_2", "_3", … so that every route has an id of its own.
    /// </summary>
    private static string? OperationIdOf(ApiDescription api)
    {
        if (api.ActionDescriptor.EndpointMetadata.OfType<GrpcJsonTranscodingMetadata>().FirstOrDefault() is not { } route)
        {
            return null;
        }

        var method = route.MethodDescriptor;
        var binding = method.GetOptions()?.GetExtension(AnnotationsExtensions.Http)?.AdditionalBindings.IndexOf(route.HttpRule) ?? -1;
        return binding < 0 ? $"{method.Service.Name}_{method.Name}" : $"{method.Service.Name}_{method.Name}_{binding + 2}";
    }

    public static void MapPilotdeckJsonApi(this WebApplication app)
    {
        app.UsePilotdeckJsonRequestCheck();
        // The document and the reference page answer GETs only; every other request (each gRPC
        // call among them) skips their path matching.
        app.UseWhen(http => HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method), reference =>
        {
            reference.UseSwagger(options => options.RouteTemplate = "openapi/{documentName}.json");
            reference.UseSwaggerUI(options =>
            {
                options.SwaggerEndpoint(DocumentPath, "Pilotdeck API v1");
                options.RoutePrefix = ReferencePath;
                options.DocumentTitle = "Pilotdeck API reference";
                options.EnableDeepLinking(); // #/CohortsService/CohortsService_ListParticipants opens that route
            });
        });
    }
}
