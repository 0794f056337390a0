/**
 * Request errors in the shape Shopify's graphql-ruby server gives them (captured on 2026-04): validation errors with a
 * path that starts at "<operation type> <name>", camelCase `extensions.code` and the rule's facts; invalid variables as
 * one INVALID_VARIABLE error with `value` and `problems`. graphql-js finds the errors, this module rewords them; rules
 * without a captured wording keep graphql-js's message with code "validationError" (this server's choice).
 */
import {
  type GraphQLError,
  Kind,
  typeFromAST,
  validateInputValue,
  visit,
  type ASTNode,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

/** A GraphQL error as it goes out in the `errors` array. */
export interface WireError {
  readonly message: string;
  readonly locations?: ReadonlyArray<{ readonly line: number; readonly column: number }>;
  readonly path?: ReadonlyArray<string | number>;
  readonly extensions?: Readonly<Record<string, unknown>>;
}

const locationsOf = (error: GraphQLError): WireError['locations'] =>
  error.locations === undefined ? undefined : error.locations.map(({ line, column }) => ({ line, column }));

/** A syntax error, worded like graphql-ruby's ("syntax error, … at [line, column]"). */
export const syntaxError = (error: GraphQLError): WireError => {
  const at = error.locations?.[0];
  const description = error.message.replace(/^Syntax Error: /, '');
  return {
    message: `syntax error, ${description}${at === undefined ? '' : ` at [${at.line}, ${at.column}]`}`,
    ...(at === undefined ? {} : { locations: [at] }),
  };
};

// graphql-ruby paths name the operation ("mutation Name", or just "mutation"), fragments, fields (by response key)
// and arguments.
const astPaths = (document: DocumentNode): Map<ASTNode, ReadonlyArray<string>> => {
  const paths = new Map<ASTNode, ReadonlyArray<string>>();
  const stack: string[] = [];
  const push = (node: ASTNode, segment: string | undefined) => {
    if (segment !== undefined) stack.push(segment);
    paths.set(node, [...stack]);
  };
  const pop = (segment: string | undefined) => {
    if (segment !== undefined) stack.pop();
  };
  const segment = (node: ASTNode): string | undefined => {
    switch (node.kind) {
      case Kind.OPERATION_DEFINITION:
        return node.name === undefined ? node.operation : `${node.operation} ${node.name.value}`;
      case Kind.FRAGMENT_DEFINITION:
        return `fragment ${node.name.value}`;
      case Kind.FIELD:
        return node.alias?.value ?? node.name.value;
      case Kind.ARGUMENT:
      case Kind.OBJECT_FIELD:
        return node.name.value;
      default:
        return undefined;
    }
  };
  visit(document, {
    enter: (node) => push(node, segment(node)),
    leave: (node) => pop(segment(node)),
  });
  return paths;
};

const quoted = (message: string, index: number): string | undefined => [...message.matchAll(/"([^"]*)"/g)][index]?.[1];

/** Validation errors of `document`, reworded as Shopify gives them; "missing argument" errors of one field merge. */
export const validationErrors = (document: DocumentNode, errors: ReadonlyArray<GraphQLError>): WireError[] => {
  const paths = astPaths(document);
  const out: WireError[] = [];
  const missingByField = new Map<ASTNode, { error: GraphQLError; names: string[] }>();
  for (const error of errors) {
    const node = error.nodes?.[0];
    const path = node === undefined ? undefined : paths.get(node);
    const base = {
      ...(locationsOf(error) === undefined ? {} : { locations: locationsOf(error)! }),
      ...(path === undefined ? {} : { path }),
    };
    const message = error.message;
    let match: RegExpExecArray | null;
    if ((match = /^Cannot query field "([^"]+)" on type "([^"]+)"/.exec(message)) !== null) {
      out.push({
        message: `Field '${match[1]}' doesn't exist on type '${match[2]}'`,
        ...base,
        extensions: { code: 'undefinedField', typeName: match[2], fieldName: match[1] },
      });
    } else if ((match = /^Unknown argument "([^"]+)" on field "[^".]+\.([^"]+)"/.exec(message)) !== null) {
      const argumentPath = path === undefined ? undefined : [...path, match[1]!];
      out.push({
        message: `Field '${match[2]}' doesn't accept argument '${match[1]}'`,
        ...base,
        ...(argumentPath === undefined ? {} : { path: argumentPath }),
        extensions: { code: 'argumentNotAccepted', name: match[2], typeName: 'Field', argumentName: match[1] },
      });
    } else if (
      (match = /^Argument "[^".]+\.([^"(]+)\(([^:]+):\)" of type "[^"]+" is required, but it was not provided\./.exec(
        message,
      )) !== null &&
      node !== undefined
    ) {
      const entry = missingByField.get(node);
      if (entry === undefined) {
        missingByField.set(node, { error, names: [match[2]!] });
        out.push({
          message: '',
          ...base,
          extensions: { code: 'missingRequiredArguments', className: 'Field', name: match[1], arguments: '' },
        });
      } else entry.names.push(match[2]!);
    } else if ((match = /^Variable "\$([^"]+)" is never used in operation "([^"]+)"/.exec(message)) !== null) {
      out.push({
        message: `Variable $${match[1]} is declared by ${match[2]} but not used`,
        ...base,
        extensions: { code: 'variableNotUsed', variableName: match[1] },
      });
    } else if ((match = /^Variable "\$([^"]+)" is not defined by operation "([^"]+)"/.exec(message)) !== null) {
      out.push({
        message: `Variable $${match[1]} is used by ${match[2]} but not declared`,
        ...base,
        extensions: { code: 'variableNotDefined', variableName: match[1] },
      });
    } else if ((match = /^Unknown directive "@([^"]+)"/.exec(message)) !== null) {
      out.push({
        message: `Directive @${match[1]} is not defined`,
        ...base,
        extensions: { code: 'undefinedDirective', directiveName: match[1] },
      });
    } else {
      out.push({ message, ...base, extensions: { code: 'validationError' } });
    }
  }
  // Fill in the merged "missing required arguments" errors, in place.
  return out.map((wire) => {
    if (wire.extensions?.code !== 'missingRequiredArguments') return wire;
    const entry = [...missingByField.values()].find(
      (e) =>
        e.error.locations?.[0]?.line === wire.locations?.[0]?.line &&
        e.error.locations?.[0]?.column === wire.locations?.[0]?.column,
    );
    const names = entry?.names.join(', ') ?? '';
    return {
      ...wire,
      message: `Field '${String(wire.extensions.name)}' is missing required arguments: ${names}`,
      extensions: { ...wire.extensions, arguments: names },
    };
  });
};

// graphql-js's wording of one input problem, turned into graphql-ruby's (path, explanation).
const problemOf = (
  error: GraphQLError,
  path: ReadonlyArray<string | number>,
): { path: ReadonlyArray<string | number>; explanation: string } => {
  const message = error.message;
  const unknown = /not to include unknown field "([^"]+)"/.exec(message);
  if (unknown !== null)
    return { path: [...path, unknown[1]!], explanation: `Field is not defined on ${quoted(message, 0) ?? ''}` };
  const required = /to include required field "([^"]+)"/.exec(message);
  if (required !== null) return { path: [...path, required[1]!], explanation: 'Expected value to not be null' };
  if (/not to be null/.test(message)) return { path, explanation: 'Expected value to not be null' };
  return { path, explanation: message };
};

/** The INVALID_VARIABLE errors of `operation` for the request's `variables`, one per bad variable. */
export const variableErrors = (
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): WireError[] =>
  (operation.variableDefinitions ?? []).flatMap((definition): WireError[] => {
    const type = typeFromAST(schema, definition.type);
    if (type === undefined) return [];
    const name = definition.variable.name.value;
    const provided = Object.hasOwn(variables, name);
    if (!provided && definition.defaultValue !== undefined) return [];
    const value = provided ? variables[name] : null;
    const problems: Array<{ path: ReadonlyArray<string | number>; explanation: string }> = [];
    if (!provided && definition.type.kind !== Kind.NON_NULL_TYPE) return [];
    validateInputValue(value, type as never, (error, path) => problems.push(problemOf(error, path)));
    if (problems.length === 0) return [];
    const typeName = String(type);
    const detail = problems.filter((p) => p.path.length > 0);
    const message =
      detail.length === 0
        ? `Variable $${name} of type ${typeName} was provided invalid value`
        : `Variable $${name} of type ${typeName} was provided invalid value for ${detail.map((p) => `${p.path.join('.')} (${p.explanation})`).join(', ')}`;
    const at = definition.loc?.startToken;
    return [
      {
        message,
        ...(at === undefined ? {} : { locations: [{ line: at.line, column: at.column }] }),
        extensions: { code: 'INVALID_VARIABLE', value, problems },
      },
    ];
  });
