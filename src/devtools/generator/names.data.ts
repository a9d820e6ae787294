import { de, en } from '@faker-js/faker';

// Hand-written heads are ordered by real-world frequency so a Zipf-like sampler makes "Smith"
// common; faker's (alphabetical, unweighted) locale lists are appended as the rare tail.

const EN_MALE_HEAD = [
  'James', 'Robert', 'John', 'Michael', 'David', 'William', 'Richard', 'Joseph', 'Thomas', 'Christopher',
  'Charles', 'Daniel', 'Matthew', 'Anthony', 'Mark', 'Donald', 'Steven', 'Andrew', 'Paul', 'Joshua',
  'Kenneth', 'Kevin', 'Brian', 'George', 'Timothy', 'Ronald', 'Jason', 'Edward', 'Jeffrey', 'Ryan',
  'Jacob', 'Gary', 'Nicholas', 'Eric', 'Jonathan', 'Stephen', 'Larry', 'Justin', 'Scott', 'Brandon',
  'Benjamin', 'Samuel', 'Gregory', 'Alexander', 'Patrick', 'Frank', 'Raymond', 'Jack', 'Dennis', 'Jerry',
  'Tyler', 'Aaron', 'José', 'Adam', 'Nathan', 'Henry', 'Zachary', 'Douglas', 'Peter', 'Kyle',
  'Noah', 'Ethan', 'Jeremy', 'Walter', 'Christian', 'Keith', 'Roger', 'Terry', 'Austin', 'Sean',
  'Gerald', 'Carl', 'Harold', 'Dylan', 'Arthur', 'Lawrence', 'Jordan', 'Jesse', 'Bryan', 'Bruce',
  'Gabriel', 'Logan', 'Alan', 'Juan', 'Albert', 'Wayne', 'Vincent', 'Mason', 'Roy', 'Ralph',
  'Russell', 'Bradley', 'Philip', 'Eugene', 'Frederick', 'Leonard', 'Theodore', 'Oliver', 'Harry', 'Liam',
];

const EN_FEMALE_HEAD = [
  'Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Barbara', 'Susan', 'Jessica', 'Sarah', 'Karen',
  'Lisa', 'Nancy', 'Betty', 'Sandra', 'Margaret', 'Ashley', 'Kimberly', 'Emily', 'Donna', 'Michelle',
  'Carol', 'Amanda', 'Melissa', 'Deborah', 'Stephanie', 'Dorothy', 'Rebecca', 'Sharon', 'Laura', 'Cynthia',
  'Amy', 'Kathleen', 'Angela', 'Shirley', 'Brenda', 'Emma', 'Anna', 'Pamela', 'Nicole', 'Samantha',
  'Katherine', 'Christine', 'Helen', 'Debra', 'Rachel', 'Carolyn', 'Janet', 'Maria', 'Catherine', 'Heather',
  'Diane', 'Olivia', 'Julie', 'Joyce', 'Victoria', 'Ruth', 'Virginia', 'Lauren', 'Kelly', 'Christina',
  'Joan', 'Evelyn', 'Judith', 'Andrea', 'Hannah', 'Megan', 'Cheryl', 'Jacqueline', 'Martha', 'Madison',
  'Teresa', 'Gloria', 'Sara', 'Janice', 'Ann', 'Kathryn', 'Abigail', 'Sophia', 'Frances', 'Jean',
  'Alice', 'Judy', 'Isabella', 'Julia', 'Grace', 'Amber', 'Denise', 'Danielle', 'Marilyn', 'Beverly',
  'Charlotte', 'Natalie', 'Theresa', 'Diana', 'Brittany', 'Valerie', 'Zoë', 'Chloé', 'María', 'Renée',
];

const DE_MALE_HEAD = [
  'Peter', 'Michael', 'Thomas', 'Andreas', 'Wolfgang', 'Klaus', 'Jürgen', 'Stefan', 'Christian', 'Uwe',
  'Werner', 'Hans', 'Frank', 'Bernd', 'Alexander', 'Martin', 'Markus', 'Dieter', 'Manfred', 'Jörg',
  'Günter', 'Matthias', 'Sebastian', 'Helmut', 'Ralf', 'Johannes', 'Daniel', 'Tobias', 'Maximilian', 'Jan',
  'Lukas', 'Florian', 'Dirk', 'Horst', 'Gerhard', 'Heinz', 'Rainer', 'Karl', 'Friedrich', 'Elias',
];

const DE_FEMALE_HEAD = [
  'Ursula', 'Sabine', 'Monika', 'Petra', 'Karin', 'Renate', 'Helga', 'Andrea', 'Gabriele', 'Brigitte',
  'Susanne', 'Claudia', 'Birgit', 'Stefanie', 'Julia', 'Anna', 'Katharina', 'Elisabeth', 'Christina', 'Nicole',
  'Sandra', 'Martina', 'Ingrid', 'Heike', 'Anja', 'Sarah', 'Laura', 'Lena', 'Lea', 'Marie',
  'Sophie', 'Hannah', 'Jana', 'Margarete', 'Gisela', 'Jutta', 'Silke', 'Kerstin', 'Zoë', 'Jasmin',
];

const US_LAST_HEAD = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes',
  'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper',
  'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson',
  'Watson', 'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes',
  'Price', 'Alvarez', 'Castillo', 'Sanders', 'Patel', 'Myers', 'Long', 'Ross', 'Foster', 'Jiménez',
  'McDonald', "O'Brien", 'MacLeod', "O'Connor", 'De La Cruz', 'Peña',
];
// Appended after faker's tail, so they are genuinely rare.
const US_LAST_RARE = ['van der Berg', 'Müller', 'Zbyszewski', 'Nuñez-Villaseñor', 'St. John', 'Ng'];

const GB_LAST_HEAD = [
  'Smith', 'Jones', 'Williams', 'Taylor', 'Brown', 'Davies', 'Evans', 'Wilson', 'Thomas', 'Johnson',
  'Roberts', 'Robinson', 'Thompson', 'Wright', 'Walker', 'White', 'Edwards', 'Hughes', 'Green', 'Hall',
  'Lewis', 'Harris', 'Clarke', 'Patel', 'Jackson', 'Wood', 'Turner', 'Martin', 'Cooper', 'Hill',
  'Ward', 'Morris', 'Moore', 'Clark', 'Lee', 'King', 'Baker', 'Harrison', 'Morgan', 'Allen',
  'James', 'Scott', 'Phillips', 'Watson', 'Davis', 'Parker', 'Price', 'Bennett', 'Young', 'Griffiths',
  'Mitchell', 'Kelly', 'Cook', 'Carter', 'Richardson', 'Bailey', 'Collins', 'Bell', 'Shaw', 'Murphy',
  'Miller', 'Cox', 'Richards', 'Khan', 'Marshall', 'Anderson', 'Simpson', 'Ellis', 'Adams', 'Singh',
  'Begum', 'Wilkinson', 'Foster', 'Chapman', 'Powell', 'Webb', 'Rogers', 'Gray', 'Mason', 'Ali',
  'Hunt', 'Hussain', 'Campbell', 'Matthews', 'Owen', 'Palmer', 'Holmes', 'Mills', 'Barnes', 'Knight',
  'McDonald', "O'Brien", 'MacDonald', "O'Neill", 'Fitzgerald', 'Smyth',
];
const GB_LAST_RARE = ['ffrench', 'Ó Súilleabháin', 'Featherstonehaugh', 'Llewellyn-Bowen', 'Zbyszewski'];

const AU_LAST_HEAD = [
  'Smith', 'Jones', 'Williams', 'Brown', 'Wilson', 'Taylor', 'Nguyen', 'Johnson', 'Martin', 'White',
  'Anderson', 'Walker', 'Thompson', 'Thomas', 'Lee', 'Ryan', 'Kelly', 'Robinson', 'King', 'Harris',
  'Davis', 'Wright', 'Evans', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Tran',
  'Patel', 'Chen', 'Wang', 'Li', 'Murphy', 'Mitchell', 'Campbell', 'Edwards', 'Hughes', 'Young',
  'Scott', 'Cooper', 'Collins', 'Lewis', 'Morris', 'Turner', 'Baker', 'Stewart', 'Hill', 'Moore',
  'McDonald', "O'Brien", "O'Connor", 'Papadopoulos', 'Russo', 'Singh', 'Le', 'Pham', 'Kaur', 'Nikolić',
];

const DE_LAST_HEAD = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann',
  'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann',
  'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Schmitt', 'Werner', 'Schmitz', 'Krause', 'Meier',
  'Lehmann', 'Schmid', 'Schulze', 'Maier', 'Köhler', 'Herrmann', 'König', 'Walter', 'Mayer', 'Huber',
  'Kaiser', 'Fuchs', 'Peters', 'Lang', 'Scholz', 'Möller', 'Weiß', 'Jung', 'Hahn', 'Schubert',
  'Vogel', 'Friedrich', 'Keller', 'Günther', 'Frank', 'Berger', 'Winkler', 'Roth', 'Beck', 'Lorenz',
  'Yılmaz', 'Kaya', 'Nowak', 'Kowalski', 'Öztürk', 'Popović',
];
const DE_LAST_RARE = ['von Bismarck', 'van der Berg', 'Zu Guttenberg', 'Ångström', 'Zbyszewski'];

function withTail(head: readonly string[], ...tails: (readonly string[] | undefined)[]): string[] {
  const seen = new Set(head);
  const out = [...head];
  for (const tail of tails) {
    for (const name of tail ?? []) {
      if (!seen.has(name)) {
        seen.add(name);
        out.push(name);
      }
    }
  }
  return out;
}

type NameDefs = { female?: string[]; male?: string[]; generic?: string[] } | undefined;
const enFirst = en.person?.first_name as NameDefs;
const enLast = en.person?.last_name as NameDefs;
const deFirst = de.person?.first_name as NameDefs;
const deLast = de.person?.last_name as NameDefs;

/** Name lists for one naming culture, frequency-ordered (most common first). */
export type NameSet = {
  readonly male: readonly string[];
  readonly female: readonly string[];
  readonly last: readonly string[];
};

const EN_MALE = withTail(EN_MALE_HEAD, enFirst?.male);
const EN_FEMALE = withTail(EN_FEMALE_HEAD, enFirst?.female);

/** Name sets per supported country (ISO alpha-2). */
export const NAME_SETS: Readonly<Record<string, NameSet>> = {
  US: { male: EN_MALE, female: EN_FEMALE, last: withTail(US_LAST_HEAD, enLast?.generic, US_LAST_RARE) },
  GB: { male: EN_MALE, female: EN_FEMALE, last: withTail(GB_LAST_HEAD, enLast?.generic, GB_LAST_RARE) },
  AU: { male: EN_MALE, female: EN_FEMALE, last: withTail(AU_LAST_HEAD, enLast?.generic, US_LAST_RARE) },
  DE: {
    male: withTail(DE_MALE_HEAD, deFirst?.male),
    female: withTail(DE_FEMALE_HEAD, deFirst?.female),
    last: withTail(DE_LAST_HEAD, deLast?.generic, DE_LAST_RARE),
  },
};

/** Names that the "very common names" hard negative reuses across many distinct people. */
export const COMMON_FULL_NAMES: Readonly<Record<string, readonly (readonly [string, string, 'M' | 'F'])[]>> = {
  US: [['John', 'Smith', 'M'], ['Michael', 'Johnson', 'M'], ['Maria', 'Garcia', 'F'], ['James', 'Brown', 'M'], ['Mary', 'Smith', 'F'], ['David', 'Williams', 'M']],
  GB: [['John', 'Smith', 'M'], ['David', 'Jones', 'M'], ['Sarah', 'Williams', 'F'], ['James', 'Taylor', 'M'], ['Mohammed', 'Khan', 'M'], ['Margaret', 'Brown', 'F']],
  AU: [['John', 'Smith', 'M'], ['David', 'Jones', 'M'], ['Sarah', 'Williams', 'F'], ['Michael', 'Brown', 'M'], ['Linda', 'Nguyen', 'F']],
  DE: [['Peter', 'Müller', 'M'], ['Thomas', 'Schmidt', 'M'], ['Ursula', 'Müller', 'F'], ['Michael', 'Schneider', 'M'], ['Sabine', 'Fischer', 'F']],
};

// Given name -> common short forms. Our own table (the matching engine keeps a separate one).
const NICKNAME_LIST: readonly (readonly [string, readonly string[]])[] = [
  ['William', ['Bill', 'Will', 'Billy', 'Liam']], ['Robert', ['Bob', 'Rob', 'Bobby', 'Bert']], ['Richard', ['Rick', 'Dick', 'Rich']],
  ['James', ['Jim', 'Jimmy', 'Jamie']], ['John', ['Jack', 'Johnny']], ['Michael', ['Mike', 'Mick', 'Mikey']],
  ['David', ['Dave', 'Davey']], ['Joseph', ['Joe', 'Joey']], ['Thomas', ['Tom', 'Tommy']], ['Christopher', ['Chris', 'Kit']],
  ['Charles', ['Charlie', 'Chuck', 'Chas']], ['Daniel', ['Dan', 'Danny']], ['Matthew', ['Matt']], ['Anthony', ['Tony']],
  ['Donald', ['Don', 'Donnie']], ['Steven', ['Steve']], ['Stephen', ['Steve']], ['Andrew', ['Andy', 'Drew']],
  ['Joshua', ['Josh']], ['Kenneth', ['Ken', 'Kenny']], ['Timothy', ['Tim', 'Timmy']], ['Ronald', ['Ron', 'Ronnie']],
  ['Edward', ['Ed', 'Eddie', 'Ted', 'Ned']], ['Jeffrey', ['Jeff']], ['Jacob', ['Jake']], ['Nicholas', ['Nick', 'Nicky']],
  ['Jonathan', ['Jon', 'Jonny']], ['Lawrence', ['Larry']], ['Benjamin', ['Ben', 'Benny']], ['Samuel', ['Sam', 'Sammy']],
  ['Gregory', ['Greg']], ['Alexander', ['Alex', 'Sandy', 'Xander']], ['Patrick', ['Pat', 'Paddy']], ['Raymond', ['Ray']],
  ['Gerald', ['Gerry', 'Jerry']], ['Zachary', ['Zach', 'Zack']], ['Douglas', ['Doug']], ['Peter', ['Pete']],
  ['Nathan', ['Nate']], ['Henry', ['Harry', 'Hank']], ['Harold', ['Harry', 'Hal']], ['Albert', ['Al', 'Bert']],
  ['Walter', ['Walt', 'Wally']], ['Eugene', ['Gene']], ['Philip', ['Phil']], ['Bradley', ['Brad']], ['Vincent', ['Vince', 'Vinny']],
  ['Frederick', ['Fred', 'Freddie']], ['Leonard', ['Leo', 'Len', 'Lenny']], ['Theodore', ['Ted', 'Theo', 'Teddy']],
  ['Arthur', ['Art', 'Artie']], ['Russell', ['Russ']], ['Terry', ['Terence']], ['Gabriel', ['Gabe']], ['Frank', ['Frankie']],
  ['Elizabeth', ['Liz', 'Beth', 'Betty', 'Lizzie', 'Eliza']], ['Katherine', ['Kate', 'Katie', 'Kathy', 'Kat']],
  ['Catherine', ['Cathy', 'Kate', 'Cat']], ['Kathleen', ['Kathy', 'Kath']], ['Kathryn', ['Kate', 'Kathy']],
  ['Margaret', ['Maggie', 'Peggy', 'Meg', 'Marge']], ['Patricia', ['Pat', 'Patty', 'Trish', 'Tricia']],
  ['Jennifer', ['Jen', 'Jenny']], ['Susan', ['Sue', 'Susie']], ['Deborah', ['Debbie', 'Deb']], ['Debra', ['Debbie', 'Deb']],
  ['Rebecca', ['Becky', 'Becca']], ['Jessica', ['Jess', 'Jessie']], ['Samantha', ['Sam', 'Sammy']], ['Victoria', ['Vicky', 'Tori']],
  ['Christine', ['Chris', 'Chrissy', 'Tina']], ['Christina', ['Tina', 'Chris']], ['Barbara', ['Barb', 'Babs']], ['Pamela', ['Pam']],
  ['Kimberly', ['Kim']], ['Stephanie', ['Steph']], ['Abigail', ['Abby', 'Gail']], ['Cynthia', ['Cindy']], ['Dorothy', ['Dot', 'Dottie', 'Dolly']],
  ['Judith', ['Judy']], ['Jacqueline', ['Jackie']], ['Amanda', ['Mandy']], ['Melissa', ['Mel', 'Missy']], ['Sandra', ['Sandy']],
  ['Teresa', ['Terri', 'Tess']], ['Theresa', ['Tess', 'Terri']], ['Frances', ['Fran', 'Frankie']], ['Virginia', ['Ginny']],
  ['Carolyn', ['Carol', 'Carrie']], ['Natalie', ['Nat']], ['Danielle', ['Dani']], ['Madison', ['Maddie']], ['Isabella', ['Bella', 'Izzy']],
  ['Valerie', ['Val']], ['Olivia', ['Liv', 'Livvy']], ['Sophia', ['Sophie']], ['Helen', ['Nell']], ['Janet', ['Jan']],
  ['Lisa', ['Liz']], ['Nancy', ['Nan']], ['Emily', ['Em', 'Emmy']], ['Hannah', ['Hanna']],
  // German short forms.
  ['Johannes', ['Hans', 'Jo']], ['Friedrich', ['Fritz']], ['Wolfgang', ['Wolf']], ['Maximilian', ['Max']], ['Andreas', ['Andi']],
  ['Matthias', ['Matze']], ['Sebastian', ['Basti']], ['Tobias', ['Tobi']], ['Florian', ['Flo']], ['Katharina', ['Kathi', 'Katja']],
  ['Elisabeth', ['Lisa', 'Sissi', 'Liesl']], ['Margarete', ['Grete', 'Margit']], ['Gabriele', ['Gabi']], ['Stefanie', ['Steffi']],
  ['Susanne', ['Susi']], ['Christian', ['Chris']],
];

/** Nickname lookup: given name -> short forms. */
export const NICKNAMES: ReadonlyMap<string, readonly string[]> = new Map(NICKNAME_LIST);
