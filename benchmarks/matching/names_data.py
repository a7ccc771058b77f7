"""Name lists for the synthetic persons of the matching benchmark (written for tekser).

Common names are included on purpose: negatives must look like real travellers and customers,
not like random strings. Kazakh, Russian and Kyrgyz names are written in Cyrillic and romanised
by the benchmark's own tables (as a passport office would); the others are given in the Latin
spellings their holders usually carry.
"""

from __future__ import annotations


def words(text: str) -> tuple[str, ...]:
    return tuple(w.replace("_", " ") for w in text.split())


# --- Kazakh (Cyrillic) -----------------------------------------------------------------------

KZ_MALE = words(
    """Айбек Арман Асқар Ерлан Нұрлан Серік Болат Дәурен Ержан Қайрат Марат Бауыржан Ерболат Жандос
    Тимур Әділет Мұхтар Ғалым Нұрсұлтан Ақжол Дархан Ермек Руслан Талғат Азамат Бақытжан Ерғали Жомарт
    Қанат Мейірхан Олжас Самат Санжар Төлеген Ұлан Шыңғыс Әлихан Айдос Бекзат Жасұлан Мирас Нұржан
    Рахат Сұлтан Темірлан Ербол Ғабит Жанболат Қуаныш Серікбол"""
)
KZ_FEMALE = words(
    """Айгүл Айгерім Ақмарал Әсел Гүлнар Динара Жанар Жұлдыз Қарлығаш Мадина Назерке Салтанат Сәуле
    Толқын Ұлжан Шынар Аружан Аяжан Балжан Гүлмира Дана Ерке Жансая Зарина Индира Камила Ләззат Мөлдір
    Нұргүл Перизат Раушан Сая Томирис Үміт Әйгерім Алия Ботагөз Гүлжан Дариға Меруерт Ақбота Гаухар"""
)
# fathers' names that form regular patronymics in both languages (consonant endings)
KZ_FATHERS = words(
    """Серік Нұрлан Асқар Ерлан Болат Қайрат Марат Ержан Ерболат Мұхтар Ғалым Дархан Ермек Талғат Азамат
    Бақытжан Жомарт Қанат Олжас Самат Төлеген Әбіш Сәрсен Жақып Тұрсын Есен Бейсен Оспан Омар Ахмет
    Дәулет Сейіт Ерғали Жанболат Бекмұрат Мырзахмет"""
)
KZ_SURNAME_ROOTS = words(
    """Төлеген Нұрлан Ахмет Сейіт Жұмабай Назарбай Тоқа Қасым Әбіш Омар Бекмұрат Сәрсен Құнанбай Мұқан
    Ысқақ Есен Дәулет Байжан Оспан Ермек Әлім Жақып Қали Сүлеймен Бейсен Тұрсын Қуаныш Абай Ибрай Мамыт
    Сапар Жексен Кенже Түрлыбай Серғазы Ағыбай Иса Мұса Ержан Жанкелді Әбдірахман Смағұл"""
)

# --- Russian (Cyrillic) ----------------------------------------------------------------------

RU_MALE = words(
    """Александр Алексей Андрей Антон Артём Борис Вадим Валерий Василий Виктор Виталий Владимир
    Владислав Вячеслав Геннадий Георгий Григорий Дмитрий Денис Евгений Егор Иван Игорь Илья Кирилл
    Константин Леонид Максим Михаил Никита Николай Олег Павел Пётр Роман Руслан Сергей Станислав Степан
    Юрий Ярослав Фёдор Тимофей Матвей Анатолий Аркадий Эдуард Семён Глеб"""
)
RU_FEMALE = words(
    """Александра Алла Анастасия Анна Валентина Валерия Вера Виктория Галина Дарья Евгения Екатерина
    Елена Елизавета Жанна Зоя Ирина Карина Ксения Лариса Любовь Людмила Маргарита Марина Мария Надежда
    Наталья Нина Оксана Ольга Полина Светлана София Таисия Тамара Татьяна Ульяна Юлия Яна Эльвира"""
)
RU_FATHERS = words(
    """Александр Алексей Андрей Антон Борис Вадим Валерий Василий Виктор Виталий Владимир Владислав
    Геннадий Георгий Дмитрий Денис Евгений Иван Игорь Кирилл Константин Леонид Максим Михаил Николай
    Олег Роман Руслан Сергей Станислав Степан Юрий Ярослав Фёдор Тимофей Матвей Анатолий Аркадий
    Эдуард Семён Глеб Григорий"""
)
RU_SURNAMES = words(
    """Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков
    Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин
    Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов
    Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов
    Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов
    Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов Гаврилов
    Тихонов Казаков Афанасьев Данилов Пономарёв Калинин Щербаков Юдин Цветков Вишневский Ковальский
    Шевченко"""
)

# --- Kyrgyz (Cyrillic) -----------------------------------------------------------------------

KG_MALE = words(
    """Азамат Бакыт Эрлан Нурбек Улан Алмаз Медер Бектур Жоомарт Самат Талант Эркин Нурлан Адилет Айбек
    Бекзат Дастан Жыргалбек Канат Кубан Марат Мирлан Нурсултан Өмүрбек Рыспек Садыр Темир Тилек Урмат
    Чыңгыз Эмил Эрмек Азиз Акылбек Белек Болот Данияр Жаныбек Кайрат Курманбек"""
)
KG_FEMALE = words(
    """Айгүл Айжан Айпери Асель Бермет Бегимай Гүлнара Динара Жылдыз Жаркын Канышай Мээрим Назгүл Нуриза
    Роза Салтанат Чолпон Эльмира Айнура Аида Бактыгүл Венера Гулзат Жазгүл Жамиля Зарина Калыйча Мира
    Нургүл Перизат Рахат Сезим Толгонай Үмүт Элнура"""
)
KG_FATHERS = words(
    """Бакыт Эрлан Нурбек Улан Алмаз Медер Бектур Жоомарт Самат Талант Эркин Нурлан Адилет Айбек Бекзат
    Дастан Канат Кубан Марат Мирлан Рыспек Садыр Темир Тилек Урмат Эмил Эрмек Азиз Болот Кайрат"""
)
KG_SURNAMES = words(
    """Асанов Исаков Жээнбеков Атамбаев Бакиев Садыров Токтогулов Осмонов Мамытов Абдыкадыров Алиев
    Бекмуратов Жумабеков Кадыров Курманалиев Мамбетов Орозбеков Сатыбалдиев Токтосунов Турдубаев Үсөнов
    Чотонов Эсенкулов Абдылдаев Бейшеналиев Дүйшеев Ибраимов Кулов Момунов Нурматов Омуралиев
    Сагынбаев Темиров Урманбетов Шаршеналиев Эшимов Айтматов Бообеков Жапаров Ташиев"""
)

# --- Uzbek (Latin, 1995 alphabet) ------------------------------------------------------------

UZ_MALE = words(
    """Abdulla Akmal Alisher Anvar Aziz Bahodir Bekzod Bobur Davron Dilshod Doniyor Eldor Farhod Farrux
    G'ayrat Ibrohim Islom Jahongir Jamshid Javlon Jasur Kamol Laziz Mansur Mirzo Muhammadali Nodir Odil
    Otabek Ravshan Rustam Sanjar Sardor Sherzod Shohruh Sobir Temur Ulug'bek Umid Zafar Rasul Shavkat
    Baxtiyor Jo'rabek Akbar"""
)
UZ_FEMALE = words(
    """Dilnoza Gulnora Gulchehra Malika Madina Mohira Nigora Nilufar Nodira Ozoda Saida Sevara Shahnoza
    Zarina Zilola Dildora Feruza Gulbahor Kamola Lola Mavluda Munisa Nargiza Oydin Rayhona Sabina Shoira
    Umida Yulduz Zuhra Barno Dilfuza Iroda Komila"""
)
UZ_SURNAMES = words(
    """Karimov Mirziyoyev Aripov Azimov Yusupov Rahimov Tursunov Xolmatov Ismoilov Nazarov Abdullayev
    Saidov Umarov Toshmatov Qodirov Ergashev Jo'rayev Usmonov Hasanov Sultonov Mahmudov Rashidov Salimov
    Normatov Aliyev Nurmatov Haydarov Islomov Mamatov Sobirov Rustamov Xudoyberdiyev Abdurahmonov
    Yo'ldoshev Qosimov Sharipov Murodov G'aniyev Bakirov Zokirov"""
)

# --- Turkish ---------------------------------------------------------------------------------

TR_MALE = words(
    """Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim İsmail Osman Yusuf Murat Ömer Ramazan Halil Süleyman
    Abdullah Mahmut Recep Salih Fatih Kadir Emre Burak Serkan Hakan Volkan Kemal Orhan Erkan Cem Can
    Onur Tolga Uğur Yasin Enes Furkan Emir Berk Gökhan Tarık Selim"""
)
TR_FEMALE = words(
    """Fatma Ayşe Emine Hatice Zeynep Elif Meryem Şerife Zehra Sultan Hanife Merve Esra Büşra Özlem Yasemin
    Hülya Derya Gül Ebru Seda Tuğba Aslı Deniz Ece Gamze Sibel Songül Nurcan Hacer Kübra Sevgi Pınar
    Dilek Hande Melike Cansu İrem Selin Duygu"""
)
TR_SURNAMES = words(
    """Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan Çetin
    Kara Koç Kurt Özkan Şimşek Polat Özcan Korkmaz Çakır Erdoğan Yavuz Can Acar Şen Aktaş Güler Yalçın
    Güneş Bozkurt Bulut Keskin Ünal Turan Gül Özer Işık Kaplan Avcı Sarı Tekin Taş Köse Yüksel Ateş
    Aksoy"""
)

# --- Arabic-speaking countries (usual Latin spellings, several per name) ------------------------

AR_MALE = words(
    """Mohammed Muhammad Mohamed Ahmed Ahmad Ali Omar Umar Khalid Khaled Abdullah Abdallah Abdulrahman
    Abdul_Rahman Hassan Hasan Hussein Hussain Ibrahim Youssef Yusuf Mahmoud Mustafa Saeed Said Saleh Salih
    Faisal Fahad Nasser Nasir Tariq Tarek Hamza Bilal Karim Kareem Walid Waleed Majid Sami Samir Adel Adil
    Jamal Rashid Rami Ziad Zaid Osama Anas Ayman Hisham Imad Jaber Mansour Marwan Nabil Raed Sultan Talal
    Yasser Ammar Abdelaziz Abdulaziz Abdulkarim Abdelkader Hamad Mohannad"""
)
AR_FEMALE = words(
    """Fatima Fatma Aisha Aicha Maryam Mariam Khadija Zainab Zeinab Amina Noura Nour Huda Hoda Layla Leila
    Salma Sara Sarah Reem Rania Dina Hana Iman Eman Asma Samira Yasmin Jamila Latifa Lubna Mona Nadia
    Rasha Rima Suha Wafa Zahra Amal Basma"""
)
AR_SURNAMES = words(
    """Al-Harbi Al-Otaibi Al-Ghamdi Al-Zahrani Al-Qahtani Al-Shehri Al-Dosari Al-Mutairi Al-Anazi
    Al-Shammari Al-Saadi Al-Hashimi Al-Masri Al-Tamimi Al-Khatib Haddad Khoury Mansour Nasser Saleh Hamdan
    Abdallah Salem Aziz Darwish Khalil Ibrahim Jaber Suleiman Othman Barakat Qasim Karam El-Sayed
    El-Masry Abdelrahman Ben_Ali Benali Bouazizi Belkacem Boudiaf Cherif Mansouri Hamdi Trabelsi Jebali
    Chaabane Saidi Al-Jaburi Al-Obaidi Al-Dulaimi Al-Rubaie Al-Janabi Al-Maliki Al-Azzawi Al-Amri
    Al-Kuwari Al-Nuaimi Al-Balushi Al-Hinai"""
)

# --- Iran --------------------------------------------------------------------------------------

IR_MALE = words(
    """Mohammad Ali Hossein Hassan Mahdi Reza Mohammad_Reza Amir Abbas Javad Saeed Majid Hamid Mehdi Mostafa
    Morteza Ebrahim Esmaeil Farhad Behrouz Kourosh Dariush Babak Omid Navid Pouya Arash Kaveh Siavash Saman
    Masoud Mojtaba Ahmad Akbar Nader Parviz Ramin Shahram Vahid Yaser Alireza Amirhossein Mohsen Hadi"""
)
IR_FEMALE = words(
    """Fatemeh Zahra Maryam Masoumeh Zeinab Sakineh Mahsa Narges Parisa Leila Nasrin Shirin Sara Somayeh
    Elham Azadeh Mina Niloufar Negar Roya Samaneh Tahereh Fereshteh Mahnaz Golnar Shabnam Soheila Ladan
    Mitra Nazanin Pegah Yasaman Hoda Atefeh Farnaz Neda Bahar Tara Donya Ziba"""
)
IR_SURNAMES = words(
    """Hosseini Mohammadi Rezaei Ahmadi Moradi Karimi Jafari Rahimi Mousavi Hashemi Sadeghi Heidari Ghasemi
    Salehi Akbari Kazemi Rostami Ebrahimi Abbasi Najafi Nazari Mirzaei Bagheri Amini Shahbazi Yousefi
    Alavi Tehrani Esfahani Shirazi Tabatabaei Sharifi Soleimani Asadi Zarei Farahani Khani Rahmani
    Ghorbani Azizi Habibi Kiani Mahmoudi Jalali Safavi Nouri Golzari Ansari Samadi Taheri"""
)

# --- Afghanistan and Pakistan --------------------------------------------------------------------

AFPK_MALE = words(
    """Mohammad Muhammad Ahmad Abdul Gul Zahir Rahim Karim Nasir Hamid Farid Jawad Zia Imran Bilal Usman Asif
    Faisal Tariq Shahid Irfan Kamran Naveed Rashid Sajid Waqas Zubair Hamza Ali Hassan Haider Abdul_Rahman
    Abdul_Qadir Abdul_Wahid Najibullah Hekmatullah Rahmatullah Habibullah Aminullah Samiullah Ihsanullah
    Noor Shir Wali Agha Khalid Junaid Adnan Fawad Saeed"""
)
AFPK_FEMALE = words(
    """Fatima Ayesha Zainab Maryam Khadija Sana Hina Nadia Saima Rabia Sadia Amna Bushra Farzana Nasreen
    Shabana Shazia Uzma Yasmeen Zahra Parveen Nargis Malalai Mariam Laila Zarghuna Gulalai Roya Sharifa
    Freshta Mahbooba Shakila Nazia Asma Samina Kiran Iqra Mehwish Anum Sidra"""
)
AFPK_SURNAMES = words(
    """Khan Ahmadzai Popalzai Barakzai Durrani Yousafzai Afridi Shinwari Wardak Karzai Niazi Qureshi Hussain
    Shah Butt Chaudhry Malik Sheikh Mirza Raja Abbasi Akhtar Anwar Aslam Bhatti Dar Iqbal Javed Mahmood
    Rana Rehman Siddiqui Zaman Baig Hotak Stanikzai Safi Mohmand Sultani Noori Rahimi Amiri Hashimi Azizi
    Wazir Khattak Yusufzai Gilani Bukhari"""
)

# --- China (pinyin) -----------------------------------------------------------------------------

CN_FAMILY = words(
    """Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng Liang Xie
    Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu Ding
    Ren Shen Yao Jin"""
)
CN_SYLLABLES = words(
    """Wei Fang Na Min Jing Li Qiang Lei Jun Yang Yong Yan Jie Tao Ming Chao Xiu Xia Hui Ping Gang Hua Hong
    Ying Bo Bin Dan Feng Hao Jian Kai Lin Long Mei Ning Peng Qing Rui Shan Tian Xin Xue Yi Yu Yun Zhen Zhi
    Zhong Hai Guo Xiao Zi Yuan Chen Lan"""
)

# --- Korea (revised / common spellings) -----------------------------------------------------------

KR_FAMILY = words(
    """Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Jeon Hong Yoo Ko
    Moon Yang Son Bae Baek Heo Nam Noh Ha Kwak Sung Cha Joo Woo Ryu Min Jin Chung"""
)
KR_SYLLABLES = words(
    """Min Ji Seo Hyun Jun Woo Young Soo Eun Jin Ho Sung Hee Kyung Joon Yeon Hye Dong Sang Jae Jong Chul
    Myung Seung Tae Hoon Yong Won Ha Yu Na Da In Ye Bin Gyu Hwan Il Nam Su"""
)

# --- India ------------------------------------------------------------------------------------

IN_MALE = words(
    """Rahul Amit Rajesh Suresh Ramesh Sanjay Vijay Anil Sunil Deepak Manoj Ashok Arun Ajay Vikram Rohit
    Nitin Pradeep Ravi Rakesh Sandeep Vivek Anand Arjun Karan Aditya Abhishek Gaurav Harish Kiran Mahesh
    Naveen Prakash Rajiv Sachin Sameer Venkat Srinivas Krishna Mohan Gopal Imran Mohammed Farhan"""
)
IN_FEMALE = words(
    """Priya Anjali Pooja Neha Sunita Anita Kavita Rekha Lakshmi Deepa Divya Meena Nisha Pallavi Rani
    Sangeeta Shweta Swati Usha Vidya Aishwarya Ananya Bhavna Geeta Jyoti Kiran Madhuri Nandini Radha Ritu
    Sapna Seema Shalini Shruti Sonia Sushma Tanvi Uma Vandana Yamini"""
)
IN_MIDDLE = words("Kumar Prasad Lal Chand Nath Devi Kumari Rani Singh Raj")
IN_SURNAMES = words(
    """Sharma Verma Gupta Singh Kumar Patel Shah Mehta Joshi Rao Reddy Nair Iyer Pillai Menon Das Bose
    Banerjee Chatterjee Mukherjee Ghosh Sen Mishra Pandey Tiwari Dubey Yadav Chauhan Rathore Thakur Kapoor
    Khanna Malhotra Agarwal Jain Bhatt Desai Kulkarni Naidu Chopra Saxena Srivastava Trivedi Chaudhary
    Goswami Bhattacharya Dutta Sinha Prasad Ansari"""
)

# --- Western Europe -----------------------------------------------------------------------------

EU_MALE = words(
    """Thomas Michael Andreas Stefan Daniel Alexander Christian Markus Jan Peter Pierre Jean Louis Nicolas
    Antoine Julien François Marco Luca Giuseppe Giovanni Francesco Alessandro Matteo José Antonio Manuel
    Francisco Javier Carlos Pablo David Jordi Pieter Johannes Willem Lars Erik Sven James William Oliver
    Harry George Jack Liam Patrick Sean Hans Klaus Jürgen"""
)
EU_FEMALE = words(
    """Anna Maria Julia Laura Sophie Marie Claire Camille Chloé Léa Giulia Francesca Chiara Sofia Elena
    Lucía Carmen Isabel Marta Ana Emma Lisa Sarah Katharina Sabine Petra Anke Ingrid Eva Sanne Femke Emily
    Charlotte Olivia Amelia Siobhan Aoife Astrid Nina Margarethe"""
)
EU_SURNAMES = words(
    """Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Martin Bernard Dubois
    Thomas Robert Richard Petit Durand Leroy Moreau Rossi Russo Ferrari Esposito Bianchi Romano Colombo
    Ricci Marino Greco García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín
    de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Janssen Visser Smith Jones Williams Brown Taylor
    Davies Evans Wilson Murphy O'Brien Kelly Andersson Johansson Larsson Nielsen Hansen"""
)

# --- USA ----------------------------------------------------------------------------------------

US_MALE = words(
    """James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew
    Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason
    Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel
    Gregory Frank Raymond Tyler Aaron Jose Adam Nathan"""
)
US_FEMALE = words(
    """Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret
    Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca
    Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen"""
)
US_SURNAMES = words(
    """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez
    Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark
    Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson
    Baker Hall Rivera Campbell Mitchell Carter Roberts"""
)

TITLES_MALE = ("Dr.", "Dr", "Haji", "Hajji", "Mr", "Mr.", "Sheikh", "Maulavi", "Mullah", "Prof.")
TITLES_FEMALE = ("Dr.", "Mrs", "Ms.", "Mrs.", "Prof.", "Hajja")
