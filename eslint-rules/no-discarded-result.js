// A Result that is computed and then dropped is an error nobody will see.
// Flags expression statements whose value is a neverthrow Result, ResultAsync,
// or a promise of one (awaited or not). Returning, assigning, awaiting into a
// variable, or chaining to a consumer are all uses; `void expr` says the
// discard is deliberate.
//
// (eslint-plugin-neverthrow targets ESLint 8 and also flags results that are
// awaited and then unwrapped; this rule checks only the one thing that matters.)
import { ESLintUtils } from '@typescript-eslint/utils';

const RESULT_TYPE_NAMES = new Set(['Ok', 'Err', 'ResultAsync']);

function isResultType(checker, type) {
  if (type.isUnion()) return type.types.some((member) => isResultType(checker, member));
  const name = type.getSymbol()?.getName() ?? type.aliasSymbol?.getName();
  if (name !== undefined && RESULT_TYPE_NAMES.has(name)) return true;
  const awaited = checker.getAwaitedType(type);
  return awaited !== undefined && awaited !== type && isResultType(checker, awaited);
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Disallow discarding a neverthrow Result' },
    messages: { discarded: 'This Result is discarded: return it, consume it (match, map, unwrapOr, isErr...), or mark the discard with `void`.' },
    schema: [],
  },
  create(context) {
    const services = ESLintUtils.getParserServices(context);
    const checker = services.program.getTypeChecker();
    return {
      ExpressionStatement(node) {
        const expression = node.expression;
        if (expression.type === 'UnaryExpression' && expression.operator === 'void') return;
        if (expression.type === 'AssignmentExpression') return;
        const type = services.getTypeAtLocation(expression.type === 'AwaitExpression' ? expression.argument : expression);
        if (isResultType(checker, type)) context.report({ node, messageId: 'discarded' });
      },
    };
  },
};
