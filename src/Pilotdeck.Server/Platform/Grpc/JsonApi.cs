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
                Description = "HTTP/JSON routes of the Pilotdeck gRPC API. Get a token with POST /oauth2/token (client_credentials) and send it as 'Authorization: Bearer <token>'.",
            });
            var bearer = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "bearer" },
            };
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
            });
        });
    }
}
