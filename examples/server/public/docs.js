// Renders /openapi.json readably: one card per route, its parameters, body schema and answers.
'use strict';

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

function schemaText(schema) {
  return JSON.stringify(schema, null, 2);
}

function renderOperation(path, method, op) {
  const card = el('article', { class: 'room operation' });
  const auth = op.security ? ' 🔒 Bearer token' : '';
  card.append(
    el('h2', {}, el('code', { class: `method ${method}` }, method.toUpperCase()), ' ', el('code', {}, path), auth),
  );
  if (op.summary) card.append(el('p', {}, op.summary));
  if (op.parameters && op.parameters.length > 0) {
    const list = el('ul');
    for (const p of op.parameters) {
      const type = (p.schema && (p.schema.type || (p.schema.enum && p.schema.enum.join(' | ')))) || '';
      list.append(
        el(
          'li',
          {},
          el('code', {}, p.name),
          ` (${p.in}${p.required ? ', required' : ''}) ${type} ${p.description || ''}`,
        ),
      );
    }
    card.append(el('h3', {}, 'Parameters'), list);
  }
  const body = op.requestBody && op.requestBody.content && op.requestBody.content['application/json'];
  if (body) {
    const details = el(
      'details',
      {},
      el('summary', {}, `JSON body${op.requestBody.required ? '' : ' (optional)'}`),
      el('pre', {}, schemaText(body.schema)),
    );
    card.append(details);
  }
  const answers = el('ul');
  for (const [status, response] of Object.entries(op.responses || {})) {
    answers.append(el('li', {}, el('code', {}, status), ' ', response.description || ''));
  }
  card.append(el('h3', {}, 'Answers'), answers);
  return card;
}

async function main() {
  const doc = await (await fetch('/openapi.json')).json();
  const intro = document.getElementById('intro');
  intro.append(el('h1', {}, `${doc.info.title} ${doc.info.version}`), el('p', {}, doc.info.description));
  const routes = document.getElementById('routes');
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) routes.append(renderOperation(path, method, op));
  }
  const codes = doc.components.schemas.Error.properties.error.properties.code.enum;
  const errors = document.getElementById('errors');
  errors.append(el('h2', {}, 'Error codes'), el('p', {}, codes.join(' · ')));
}

main().catch((error) => {
  document.getElementById('intro').textContent = `Could not load /openapi.json: ${error}`;
});
