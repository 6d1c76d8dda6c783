/// The OpenAPI documents the openapi tool tests call real servers with. httpbin ships only a
/// Swagger 2.0 description (through flasgger, not installed here: its `/spec.json` is a 404), so
/// these describe the routes the tests use, as an operator would for an API without a spec.
enum OpenAPIFixtures {
    /// OpenAPI 3.0, YAML: httpbin's routes, with local `$ref`s, `nullable` and a shared
    /// path-level parameter.
    static let httpbin = """
        openapi: 3.0.3
        info: {title: httpbin (the routes ToolHost's tests use), version: "0.10"}
        servers:
          - url: https://httpbin.org
        paths:
          /get:
            get:
              operationId: getQuery
              summary: Echoes the query
              parameters:
                - {name: a, in: query, schema: {type: string}}
                - {name: n, in: query, schema: {type: integer, minimum: 1, maximum: 10}}
                - {name: tags, in: query, schema: {type: array, items: {type: string}}}
                - {$ref: "#/components/parameters/Trace"}
          /post:
            post:
              operationId: createThing
              summary: Echoes a JSON body
              parameters:
                - {$ref: "#/components/parameters/Trace"}
              requestBody:
                required: true
                content:
                  application/json:
                    schema: {$ref: "#/components/schemas/Thing"}
          /status/{code}:
            get:
              operationId: getStatus
              parameters:
                - {name: code, in: path, required: true, schema: {type: integer, minimum: 100, maximum: 599}}
          /headers:
            get:
              operationId: getHeaders
              parameters:
                - {$ref: "#/components/parameters/Trace"}
          /bearer:
            get:
              operationId: checkBearer
              security: [{bearer: []}]
          /anything/{anything}:
            parameters:
              - {name: anything, in: path, required: true, schema: {type: string}}
            get:
              operationId: getAnything
            post:
              operationId: postAnything
              requestBody:
                content:
                  application/json:
                    schema: {type: object}
        components:
          parameters:
            Trace:
              name: X-Trace-Id
              in: header
              schema: {type: string, pattern: "^[a-z0-9-]+$"}
          schemas:
            Thing:
              type: object
              required: [name]
              properties:
                name: {type: string, minLength: 1}
                size: {type: integer, nullable: true}
                parts: {type: array, items: {$ref: "#/components/schemas/Part"}}
            Part:
              type: object
              properties:
                label: {type: string}
                children: {type: array, items: {$ref: "#/components/schemas/Part"}}
          securitySchemes:
            bearer: {type: http, scheme: bearer}
        """

    /// OpenAPI 3.1, JSON: ToolHost's own `serve --http` routes.
    static let toolhost = """
        {
          "openapi": "3.1.0",
          "info": {"title": "ToolHost serve --http", "version": "1"},
          "paths": {
            "/api/tools": {
              "get": {"operationId": "listTools",
                      "parameters": [{"name": "type", "in": "query", "schema": {"type": ["string", "null"]}}]}
            },
            "/api/tools/{id}": {
              "get": {"operationId": "getTool",
                      "parameters": [{"$ref": "#/components/parameters/ToolID"}]}
            },
            "/api/tools/{id}/invoke": {
              "post": {"operationId": "invokeTool",
                       "parameters": [{"$ref": "#/components/parameters/ToolID"}],
                       "requestBody": {"required": true,
                                       "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Input"}}}}}
            }
          },
          "components": {
            "parameters": {"ToolID": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}},
            "schemas": {"Input": {"type": "object"}}
          }
        }
        """

    /// A Swagger 2.0 document (what httpbin's flasgger serves): refused with what to do.
    static let swagger2 = """
        {"swagger": "2.0", "info": {"title": "old", "version": "1"}, "paths": {}}
        """
}
