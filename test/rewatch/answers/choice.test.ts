import { describe, expect, it } from 'vitest';
import { parseChoice, type Choice } from '../../../nodes/rewatch/answers/choice.ts';

const two = ['The man opens the door', 'The man closes the door'];
const three = ['red', 'blue', 'green'];
const cups = ['a red cup', 'a blue plate', 'a green bottle', 'a yellow bowl'];
const times = ['00:12', '00:45', '01:30', '02:10', '03:05'];
const counts = ['two', 'three', 'four', 'five', 'six', 'seven'];
const lettered = ['A. a dog', 'B. a cat', 'C. a bird'];
const articles = ['a plate on the floor', 'a glass in the sink', 'a cup on the table', 'a bowl on the chair'];

const longThink =
  '<think>\nThe question asks what is on the table. Option A says a red cup, but at 00:12 I saw a blue plate, ' +
  'so maybe B. Hmm, A. could also be right if the cup was moved. Let me check (C): a green bottle appears later. ' +
  'The answer is A? No. I am fairly sure it is B.\n</think>\n';

/** [style, reply, options, expected letter or 'none'] as models write them. */
const rows: Array<[string, string, readonly string[], string]> = [
  // Qwen2.5-VL: terse letters and short sentences.
  ['Qwen terse letter', 'B', cups, 'B'],
  ['Qwen letter and period', 'C.', cups, 'C'],
  ['Qwen letter and option text', 'B. a blue plate', cups, 'B'],
  ['Qwen bracketed letter', '(D)', cups, 'D'],
  ['Qwen letter with trailing newline', 'A\n', cups, 'A'],
  ['Qwen "The answer is B."', 'The answer is B.', cups, 'B'],
  ['Qwen "Answer: C"', 'Answer: C', cups, 'C'],
  ['Qwen "The answer is (A) a red cup."', 'The answer is (A) a red cup.', cups, 'A'],
  ['Qwen "Option B"', 'Option B', cups, 'B'],
  ['Qwen letter and paren', 'D) a yellow bowl', cups, 'D'],
  ['Qwen "The best answer is C"', 'The best answer is C', cups, 'C'],
  ['Qwen letter then explanation on the next line', 'B\nThe plate is blue in the second scene.', cups, 'B'],
  // GPT-4o: markdown, bold, explanations.
  ['GPT-4o bold letter', '**B**', cups, 'B'],
  ['GPT-4o bold answer line', '**Answer: C**', cups, 'C'],
  ['GPT-4o bold label', '**Answer:** B. a blue plate', cups, 'B'],
  ['GPT-4o answer then an explanation naming another letter', 'Answer: (B)\nExplanation: Option A is wrong because the cup is blue.', cups, 'B'],
  ['GPT-4o explanation then answer', 'In the video the man sets a blue plate down at 00:45.\n\n**Answer: B**', cups, 'B'],
  ['GPT-4o "The correct answer is **B**."', 'The correct answer is **B**. The plate is clearly blue.', cups, 'B'],
  ['GPT-4o bullet answer', '- **B) a blue plate**', cups, 'B'],
  ['GPT-4o heading', '### Final Answer\nThe final answer is C.', cups, 'C'],
  ['GPT-4o "B is correct"', 'Looking at the options, B is correct because the plate is blue.', cups, 'B'],
  ['GPT-4o "(C) is the best answer"', 'Of these, (C) is the best answer.', cups, 'C'],
  ['GPT-4o boxed', 'The final answer is $\\boxed{D}$.', cups, 'D'],
  ['GPT-4o boxed text', '$\\boxed{\\text{A}}$', cups, 'A'],
  ['GPT-4o "I would choose B"', 'I would choose B, since the plate appears twice.', cups, 'B'],
  ['GPT-4o discusses two options, then answers', 'Option A shows a cup, option C a bottle. The answer is C.', cups, 'C'],
  ['GPT-4o "I\'d say B."', "I'd say B.", cups, 'B'],
  ['GPT-4o "I\'m fairly sure it\'s C"', "I'm fairly sure it's C.", cups, 'C'],
  ['GPT-4o letter mentioned once in prose', 'The green bottle (C) stays on the table throughout.', cups, 'C'],
  // Llama.
  ['Llama "The correct answer is: **(C) a red cup**"', 'The correct answer is: **(C) a green bottle**', cups, 'C'],
  ['Llama "The correct answer is: C) …"', 'The correct answer is: C) a green bottle', cups, 'C'],
  ['Llama "The correct option is (B)"', 'Based on the description, the correct option is (B).', cups, 'B'],
  ['Llama answer to this question', 'The answer to this question is D.', cups, 'D'],
  ['Llama "the answer is therefore A"', 'The cup is red, so the answer is therefore A.', cups, 'A'],
  ['Llama restated options then answer', 'A. a red cup\nB. a blue plate\nC. a green bottle\nD. a yellow bowl\n\nAnswer: B', cups, 'B'],
  // DeepSeek-R1 and other thinking models.
  ['R1 long think, then tag', `${longThink}<answer>B</answer>`, cups, 'B'],
  ['R1 long think, then a sentence', `${longThink}The answer is **B**.`, cups, 'B'],
  ['R1 think whose <think> was in the template', 'Option A is wrong, C too.\n</think>\n\nB', cups, 'B'],
  ['R1 unclosed think only', '<think>I keep going back and forth between A and C', cups, 'none'],
  // Answer tags.
  ['tag with spaces', '<answer> C </answer>', cups, 'C'],
  ['tag with option text', '<answer>(B) a blue plate</answer>', cups, 'B'],
  ['tag with only option text', '<answer>a green bottle</answer>', cups, 'C'],
  ['tag after a CoT naming other letters', 'A is unlikely; (D) too.\n<action>segment_query(00:10-00:20)</action><observation>A blue plate.</observation>\n<answer>B</answer>', cups, 'B'],
  ['tag overrides the prose', 'I first thought the answer is A.\n<answer>B</answer>', cups, 'B'],
  ['two tags agreeing', '<answer>B</answer> … <answer>B. a blue plate</answer>', cups, 'B'],
  ['two tags disagreeing', '<answer>A</answer> or maybe <answer>B</answer>', cups, 'none'],
  ['unclosed tag at the end', 'So it must be the plate. <answer>B', cups, 'B'],
  ['tag with a refusal', '<answer>I cannot tell</answer>', cups, 'none'],
  ['empty tag', 'The plate is blue. <answer></answer>', cups, 'none'],
  ['tag in capitals', '<ANSWER>D</ANSWER>', cups, 'D'],
  // Lowercase and other languages.
  ['lowercase letter', 'b', cups, 'B'],
  ['lowercase answer line', 'answer: c', cups, 'C'],
  ['lowercase bracketed', 'the answer is (d)', cups, 'D'],
  ['Chinese colon', 'Answer：A', cups, 'A'],
  ['Chinese statement', '答案是B。', cups, 'B'],
  ['Chinese statement without punctuation', '答案是C因为瓶子是绿色的', cups, 'C'],
  ['Chinese choice', '我选择D', cups, 'D'],
  // Articles and pronouns are not letters.
  ['"I think the answer is B"', 'I think the answer is B', cups, 'B'],
  ['article "A cup on the table"', 'A cup on the table.', articles, 'C'],
  ['article after "Answer:"', 'Answer: A cup on the table', articles, 'C'],
  ['lowercase article after a statement', 'The answer is a glass in the sink.', articles, 'B'],
  ['"I think it is…" with no letter', 'I think a man is holding it.', cups, 'none'],
  ['article with a number', 'A 3-second shot of a yellow bowl.', cups, 'D'],
  ['"A because…" is the letter A', 'A because the cup is red.', cups, 'A'],
  ['letter then the option starting with an article', 'A. A cup on the table', articles, 'A'],
  ['"…, I think" after the letter', 'The answer is C, I think.', cups, 'C'],
  // Option text only.
  ['option text only', 'a blue plate', cups, 'B'],
  ['option text with a lead-in', 'It is a yellow bowl.', cups, 'D'],
  ['option text of a time', 'At 01:30.', times, 'C'],
  ['option text of a count', 'four', counts, 'C'],
  ['option text naming two options', 'red or blue', three, 'none'],
  ['option text nested in a longer option', 'The man closes the door.', two, 'B'],
  ['options given with their letters', 'a cat', lettered, 'B'],
  // Two letters, several options, out of range.
  ['two letters in a statement', 'The answer is A or B.', cups, 'none'],
  ['two statements disagreeing', 'The answer is A. Wait, no: the answer is C.', cups, 'none'],
  ['letter list', 'A, C', cups, 'none'],
  ['options restated without an answer', 'A. a red cup\nB. a blue plate', cups, 'none'],
  ['prose restating two options', 'In the video I saw a blue plate and not a red cup.', cups, 'none'],
  ['both letters correct', 'Both A and C are correct.', cups, 'none'],
  ['letter outside the range', 'The answer is E.', cups, 'none'],
  ['bare letter outside the range', 'D', three, 'none'],
  ['a hypothetical is not a statement', 'If the answer were A the cup would be red; if the answer is A, it is red. The answer is B.', cups, 'B'],
  // Refusals.
  ['refusal: cannot determine', 'I cannot determine the answer from the information given.', cups, 'none'],
  ['refusal: none of the options', 'None of the options match what happens in the video.', cups, 'none'],
  ['refusal: not enough information', 'There is not enough information to answer.', cups, 'none'],
  ['refusal: cannot be determined', 'It cannot be determined without watching the video.', cups, 'none'],
  ['refusal in Chinese', '无法确定。', cups, 'none'],
  ['a hedged guess after a refusal counts', "I can't be sure without the video, but the most likely answer is B.", cups, 'B'],
  ['empty reply', '   ', cups, 'none'],
  // Numbers of options 2..6.
  ['two options, letter', 'B', two, 'B'],
  ['two options, statement', 'The answer is A.', two, 'A'],
  ['three options', '(C)', three, 'C'],
  ['five options', 'Answer: E', times, 'E'],
  ['six options', 'The correct answer is F.', counts, 'F'],
  ['six options, lowercase', 'f.', counts, 'F'],
];

function letterOf(choice: Choice): string {
  return choice.kind === 'choice' ? choice.letter : 'none';
}

describe('parseChoice', () => {
  it('has a table of at least 60 reply styles', () => {
    expect(rows.length).toBeGreaterThanOrEqual(60);
  });

  it.each(rows)('%s', (_style, reply, options, expected) => {
    expect(letterOf(parseChoice(reply, options))).toBe(expected);
  });

  it('says which evidence decided', () => {
    expect(parseChoice('<answer>B</answer>', cups)).toEqual({ kind: 'choice', letter: 'B', via: 'tag' });
    expect(parseChoice('The answer is B.', cups)).toEqual({ kind: 'choice', letter: 'B', via: 'statement' });
    expect(parseChoice('(B)', cups)).toEqual({ kind: 'choice', letter: 'B', via: 'bare' });
    expect(parseChoice('A cup on the table.', articles)).toEqual({ kind: 'choice', letter: 'C', via: 'option-text' });
  });

  it.each([
    ['The answer is A or B.', /several options .*A, B/],
    ['The answer is E.', /E, which is not an option \(A–D\)/],
    ['I cannot determine the answer.', /declines to choose \("cannot determine"\)/],
    ['<answer>A</answer> <answer>B</answer>', /<answer> tags name different options \(A, B\)/],
    ['<answer>the plate</answer>', /<answer> tag "the plate" names no option/],
    ['red or blue', /restates the text of several options \(A, B\)/],
    ['It was dark.', /names no option letter and restates no option’s text/],
    ['<think>A or C?</think>', /nothing but its <think> block/],
  ])('explains why "%s" chooses nothing', (reply, reason) => {
    const choice = parseChoice(reply, reply === 'red or blue' ? three : cups);
    expect(choice.kind).toBe('none');
    expect(choice.kind === 'none' && choice.reason).toMatch(reason);
  });
});
